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

  it("a reserved slot stays taken until released, and the window counts from the release (the latest the server can have counted it)", async () => {
    let time = 0;
    const limiter = new RateLimiter({ requests: 2, perMs: 100 }, { now: () => time, sleep: async (ms) => void (time += ms) });
    const releaseA = await limiter.reserve();
    const releaseB = await limiter.reserve();
    const grantedAt: number[] = [];
    const c = limiter.reserve().then((release) => {
      grantedAt.push(time);
      return release;
    });
    // Both requests are still waiting for their answers at t=250: nothing is granted, however long that takes.
    time = 250;
    await new Promise((resolve) => setImmediate(resolve));
    expect(grantedAt).toEqual([]);
    releaseA();
    releaseA(); // idempotent: a second call frees nothing more
    (await c)();
    // Counted from A's answer at 250, not from its grant at 0 (which would have allowed C at 250).
    expect(grantedAt).toEqual([350]);
    releaseB();
  });

  it("pauseFor holds every grant until the pause is over; a retry goes to the front of the queue", async () => {
    const clock = virtualClock();
    const start = clock.now();
    const limiter = new RateLimiter({ requests: 10, perMs: 1000 }, clock);
    const order: Array<[string, number]> = [];
    limiter.pauseFor(3000);
    const queued = ["a", "b"].map((name) => limiter.acquire().then(() => order.push([name, clock.now() - start])));
    const retry = limiter.reserve({ retry: true }).then((release) => {
      order.push(["retry", clock.now() - start]);
      release();
    });
    limiter.pauseFor(1000); // a shorter pause never shortens the longer one
    await Promise.all([...queued, retry]);
    expect(order).toEqual([
      ["retry", 3000],
      ["a", 3000],
      ["b", 3000],
    ]);
  });

  it("is shared per account (API host + accountSwitchKey) and budget, whatever the client token; separate per scope", () => {
    const clock = virtualClock();
    const a = sharedRateLimiter({ host: "h" }, { requests: 20, perMs: 2000 }, clock);
    expect(sharedRateLimiter({ host: "h" }, { requests: 20, perMs: 2000 }, clock)).toBe(a);
    expect(sharedRateLimiter({ host: "h", accountKey: "B-1" }, { requests: 20, perMs: 2000 }, clock)).not.toBe(a);
    expect(sharedRateLimiter({ host: "h2" }, { requests: 20, perMs: 2000 }, clock)).not.toBe(a);
    expect(sharedRateLimiter({ host: "h" }, { requests: 20, perMs: 2000 }, clock, "edge-dns")).not.toBe(a);
    expect(sharedRateLimiter({ host: "h" }, [{ requests: 17, perMs: 60_000 }, { requests: 20, perMs: 2000 }], clock).state.configured).toBe("17/min, 20/2s");
  });

  describe("through the client", () => {
    let server: FakeCpsServer;
    beforeAll(async () => {
      server = await FakeCpsServer.start();
    });
    afterAll(async () => {
      await server.stop();
    });

    it("one 429 pauses every queued request for its Retry-After; the rejected request is retried first", async () => {
      let time = 0;
      const seen: Array<[number, number]> = [];
      let first = true;
      server.reset((req) => {
        seen.push([Number(req.path.split("/").pop()), time]);
        if (first) {
          first = false;
          return { status: 429, headers: { "Content-Type": "application/problem+json", "Retry-After": "2" }, body: { title: "Too Many Requests" } };
        }
        return { body: { statusInfo: { status: "running", state: "running", description: req.path, error: null, deploymentSchedule: { notBefore: null, notAfter: null } }, allowedInput: [] } };
      });
      // One request per 100 ms: only one is ever in flight, so sleeping can advance virtual time at once.
      const client = CpsClient.create(
        { host: server.host, ...TEST_CREDENTIALS, caCertPem: server.certPem, env: {}, edgercPath: "/nonexistent", rateLimit: { requests: 1, perMs: 100 } },
        { clock: { now: () => time, sleep: async (ms) => void (time += ms), random: () => 0.5 } },
      );
      try {
        await Promise.all([1, 2, 3].map((id) => client.getChangeStatus(1, id)));
        // Change 1 was turned away at t=0; changes 2 and 3 did not go on to find out for themselves:
        // nothing reached the server during the 2 s, then 1 first, then the queue, one per 100 ms.
        expect(seen).toEqual([
          [1, 0],
          [1, 2000],
          [2, 2100],
          [3, 2200],
        ]);
      } finally {
        client.close();
      }
    });

    it("100 concurrent calls reach the server in FIFO batches of at most N per window", async () => {
      let time = 0;
      let windowsWaited = 0;
      let answered = 0;
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
            // The limiter only sleeps when a window is full: let the granted batch be answered
            // first (zero latency in virtual time), so the window counts from the batch's time.
            sleep: async (ms) => {
              windowsWaited++;
              await waitFor(() => answered >= windowsWaited * 10);
              time += ms;
            },
          },
        },
      );
      try {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            client.getChangeStatus(1, i + 1).then((r) => {
              answered++;
              return r;
            }),
          ),
        );
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
