/**
 * A 401 for clock skew (`Invalid timestamp`) says that the local clock is off, by how much (from
 * the gateway's `requestTime`), and what to do; before, it was a bare `401 Not authorized`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeCpsServer, TEST_CREDENTIALS } from "../cps/support/fake-cps-server";
import { enrollmentProvider } from "../../provider/resources/enrollment";
import { configureFrom, resetProviderConfig } from "../../provider/resources/provider-config";

describe("a clock-skew 401", () => {
  let server: FakeCpsServer;
  let dir: string;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "clock-skew-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), server.certPem);
    const config: Record<string, string> = {
      "pulumi-akamai-cps:host": server.host,
      "pulumi-akamai-cps:clientToken": TEST_CREDENTIALS.clientToken,
      "pulumi-akamai-cps:clientSecret": TEST_CREDENTIALS.clientSecret,
      "pulumi-akamai-cps:accessToken": TEST_CREDENTIALS.accessToken,
      "pulumi-akamai-cps:caCertPath": path.join(dir, "ca.pem"),
    };
    configureFrom({ get: (k) => config[k] });
  });
  afterAll(async () => {
    resetProviderConfig();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("names the local clock, the skew measured against Akamai's, and the way out", async () => {
    // The gateway's clock is ten minutes behind ours: our timestamps are ten minutes in its future.
    server.reset(() => ({
      status: 401,
      headers: { "Content-Type": "application/problem+json" },
      body: {
        type: "https://problems.luna.akamaiapis.net/-/pep-authn/deny",
        title: "Not authorized",
        detail: "Invalid timestamp",
        status: 401,
        requestId: "7f3a2",
        requestTime: new Date(Date.now() - 10 * 60_000).toISOString(),
      },
    }));
    const error = await enrollmentProvider.read("12345", { contractId: "K-0N7RAK71" }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/failed: 401 Not authorized: Invalid timestamp \(request id 7f3a2\)/);
    expect(error).toMatchObject({ code: "ClockSkew" });
    expect(error?.message).toMatch(/See docs\/troubleshooting\.md#clock-skew\. \[ClockSkew\]$/);
    expect(error?.message).toMatch(/this machine's clock \(.*Z\) is 10m0\ds ahead of Akamai's/);
    expect(error?.message).toContain("keep the clock synchronized (NTP)");
    expect(error?.message).toContain("docs/troubleshooting.md#clock-skew");
  });
});
