/**
 * A failure after retries says how many attempts were made and over how long; before, it read like
 * one failed request.
 */
import { FakeCpsServer } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";
import { CpsApiError } from "../../provider/cps";

const problemHeaders = { "Content-Type": "application/problem+json" };

describe("errors after retries", () => {
  let server: FakeCpsServer;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("name the number of attempts and the time they took", async () => {
    const { client, sleeps } = testClient(server, { retry: { maxAttempts: 3 } });
    server.reset(() => ({ status: 503, headers: problemHeaders, body: { title: "Service Unavailable" } }));
    const error = await client.getChangeHistory(10).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CpsApiError);
    const message = (error as CpsApiError).message;
    const match = /^GET \/cps\/v2\/enrollments\/10\/history\/changes failed: 503 Service Unavailable \(after 3 attempts over (\d+\.\d) s\) \[ServerError, see docs\/troubleshooting\.md#cps-answers-5xx-or-drops-connections\]$/.exec(message);
    expect(match).not.toBeNull();
    // the backoffs the client slept are part of the time reported
    expect(Number(match![1])).toBeGreaterThanOrEqual(Math.floor(sleeps.reduce((a, b) => a + b, 0) / 100) / 10);
    client.close();
  });

  it("leave a failure that was not retried as it was", async () => {
    const { client } = testClient(server, { retry: { maxAttempts: 3 } });
    server.reset(() => ({ status: 404, headers: problemHeaders, body: { title: "Not Found" } }));
    const error = await client.getChangeHistory(10).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).not.toContain("attempts");
    client.close();
  });
});
