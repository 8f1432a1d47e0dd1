import * as https from "node:https";
import type * as tls from "node:tls";
import { FakeCpsServer } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";

describe("TLS with an extra trusted CA (the emulator's)", () => {
  let server: FakeCpsServer;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("builds the trust store once per CA, not once per connection: concurrent requests on new sockets and a second client reuse it", async () => {
    server.reset(() => ({ body: { changes: [] } }));
    const connects = jest.spyOn(https.Agent.prototype, "createConnection");
    const first = testClient(server);
    const second = testClient(server);
    try {
      // Eight requests at once: the keep-alive agent opens a socket for each.
      await Promise.all(Array.from({ length: 8 }, (_, i) => first.client.getChangeHistory(i + 1)));
      await Promise.all(Array.from({ length: 4 }, (_, i) => second.client.getChangeHistory(i + 1)));
      expect(server.requests).toHaveLength(12);
      // Every socket gets the same prebuilt context: with a `ca` option instead, Node parses its ~140
      // bundled roots plus the extra CA again for each new connection (~25 ms of CPU each).
      const options = connects.mock.calls.map((call) => call[0] as tls.ConnectionOptions);
      expect(options.length).toBeGreaterThanOrEqual(8);
      expect(options.every((o) => o.ca === undefined && o.secureContext !== undefined && o.secureContext === options[0]!.secureContext)).toBe(true);
    } finally {
      connects.mockRestore();
      first.client.close();
      second.client.close();
    }
  });
});
