import { FakeCpsServer, TEST_CREDENTIALS } from "./support/fake-cps-server";
import { CpsClient, RateLimiter, sharedRateLimiter } from "../../provider/cps";

/** A virtual clock: sleeping advances time instantly. */
function virtualClock(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      // Let callers granted before this sleep observe the time they were granted at.
      await new Promise((resolve) => setImmediate(resolve));
      time += ms;
    },
    sleeps,
  };
}

/** Largest number of grants inside any half-open window of `perMs`. */
function maxInAnyWindow(times: number[], perMs: number): number {
  let max = 0;
  for (const start of times) max = Math.max(max, times.filter((t) => t >= start && t < start + perMs).length);
  return max;
}

async function waitFor(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("rate limiter", () => {
  it("100 concurrent acquires are granted in submission order, never more than N per window", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ requests: 10, perMs: 1000 }, clock);
    const order: number[] = [];
    const grantedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        limiter.acquire().then(() => {
          order.push(i);
          grantedAt.push(clock.now());
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(maxInAnyWindow(grantedAt, 1000)).toBe(10);
    // Not over-throttled either: ten batches need exactly nine windows of waiting.
    expect(grantedAt[99]! - grantedAt[0]!).toBe(9000);
  });

  it("a late caller queues behind earlier ones even when a slot frees up", async () => {
    const clock = virtualClock();
    const limiter = new RateLimiter({ requests: 2, perMs: 100 }, clock);
    const order: string[] = [];
    const first = ["a", "b", "c", "d"].map((name) => limiter.acquire().then(() => order.push(name)));
    const late = limiter.acquire().then(() => order.push("late"));
    await Promise.all([...first, late]);
    expect(order).toEqual(["a", "b", "c", "d", "late"]);
  });

  it("is shared per account (host + client token) and budget, separate per scope", () => {
    const clock = virtualClock();
    const a = sharedRateLimiter({ host: "h", clientToken: "t1" }, { requests: 20, perMs: 2000 }, clock);
    expect(sharedRateLimiter({ host: "h", clientToken: "t1" }, { requests: 20, perMs: 2000 }, clock)).toBe(a);
    expect(sharedRateLimiter({ host: "h", clientToken: "t2" }, { requests: 20, perMs: 2000 }, clock)).not.toBe(a);
    expect(sharedRateLimiter({ host: "h", clientToken: "t1" }, { requests: 20, perMs: 2000 }, clock, "edge-dns")).not.toBe(a);
  });

  describe("through the client", () => {
    let server: FakeCpsServer;
    beforeAll(async () => {
      server = await FakeCpsServer.start();
    });
    afterAll(async () => {
      await server.stop();
    });

    it("100 concurrent calls reach the server in FIFO batches of at most N per window", async () => {
      let time = 0;
      let windowsWaited = 0;
      server.reset((req) => ({
        body: { statusInfo: { status: "running", state: "running", description: req.path, error: null, deploymentSchedule: { notBefore: null, notAfter: null } }, allowedInput: [] },
      }));
      const client = CpsClient.create(
        {
          host: server.host,
          ...TEST_CREDENTIALS,
          caCertPem: server.certPem,
          env: {},
          edgercPath: "/nonexistent",
          rateLimit: { requests: 10, perMs: 1000 },
        },
        {
          clock: {
            now: () => time,
            // The limiter only sleeps when a window is full: let the granted batch arrive first,
            // so arrival order at the server reflects grant order.
            sleep: async (ms) => {
              windowsWaited++;
              await waitFor(() => server.requests.length >= windowsWaited * 10);
              time += ms;
            },
          },
        },
      );
      try {
        const results = await Promise.all(Array.from({ length: 100 }, (_, i) => client.getChangeStatus(1, i + 1)));
        expect(results.map((r) => r.statusInfo.description)).toEqual(Array.from({ length: 100 }, (_, i) => `/cps/v2/enrollments/1/changes/${i + 1}`));
        expect(server.requests).toHaveLength(100);
        expect(windowsWaited).toBe(9);
        for (let batch = 0; batch < 10; batch++) {
          const ids = server.requests.slice(batch * 10, batch * 10 + 10).map((r) => Number(r.path.split("/").pop()));
          expect(ids.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => batch * 10 + i + 1));
        }
        expect(time).toBe(9000);
      } finally {
        client.close();
      }
    });
  });
});
