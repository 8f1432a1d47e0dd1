import { CpsClient, type CpsClientOptions } from "../../../provider/cps";
import { RateLimiter } from "../../../provider/cps/rate-limiter";
import { FakeCpsServer, TEST_CREDENTIALS } from "./fake-cps-server";

export interface TestClient {
  client: CpsClient;
  sleeps: number[];
  logs: Array<{ level: string; message: string }>;
}

/** A client pointed at the fake server; sleeping is recorded, never waited for. */
export function testClient(server: FakeCpsServer, options: CpsClientOptions = {}): TestClient {
  const sleeps: number[] = [];
  const logs: Array<{ level: string; message: string }> = [];
  const client = CpsClient.create(
    {
      host: server.host,
      clientToken: TEST_CREDENTIALS.clientToken,
      clientSecret: TEST_CREDENTIALS.clientSecret,
      accessToken: TEST_CREDENTIALS.accessToken,
      caCertPem: server.certPem,
      env: {},
      edgercPath: "/nonexistent/.edgerc",
      log: (level, message) => logs.push({ level, message }),
      ...options,
    },
    {
      clock: {
        sleep: async (ms: number) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
      },
      rateLimiter: new RateLimiter({ requests: 10_000, perMs: 1 }, { now: Date.now, sleep: () => Promise.resolve() }),
    },
  );
  return { client, sleeps, logs };
}
