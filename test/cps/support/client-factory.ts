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
  // One virtual clock for the transport and its limiter (a 429 pauses the limiter): sleeping
  // advances it at once and is recorded, never waited for.
  // Time stands still unless slept (a real clock would let a wait of 3000 ms come out 2980).
  const start = Date.now();
  let skew = 0;
  const clock = {
    now: () => start + skew,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      skew += ms;
    },
  };
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
      clock: { ...clock, random: () => 0.5 },
      rateLimiter: new RateLimiter({ requests: 10_000, perMs: 1 }, clock),
    },
  );
  return { client, sleeps, logs };
}
