/**
 * Fault injection, seen through the project's client: it retries 5xx and 429 (honouring Retry-After)
 * and GETs whose connection was reset, and the flows still complete; a stuck change is observed and
 * then released. Faults are seeded: the same seed gives the same faults for the same requests.
 */
import * as https from "node:https";
import { createDv, DV_STATUS, startE2e, waitStatus, type E2e } from "./helpers";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.stop();
});
afterEach(async () => {
  await e2e.admin("PUT", "/faults", { latency: { ms: 0, jitterMs: 0 }, errors: { percent: 0 }, resets: { percent: 0 }, rateLimit: { enabled: false }, methods: null });
});

interface FaultState {
  injected: { requests: number; delayed: number; errors: number; rateLimited: number; resets: number };
}

/** An unsigned request straight at the API: faults come before authentication, so its status shows the fault. */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(`${e2e.emulator.api}${path}`, { ca: e2e.emulator.caCertPem, agent: false }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
  });
}

async function injected(): Promise<FaultState["injected"]> {
  return (await e2e.admin<FaultState>("GET", "/faults")).body.injected;
}

/** A short DV flow decided by the admin verdict, so only the API's behaviour under faults is tested. */
async function dvFlow(cn: string): Promise<void> {
  const { enrollmentId, changeId } = await createDv(e2e, cn);
  await waitStatus(e2e, enrollmentId, changeId, DV_STATUS);
  await e2e.admin("POST", `/domains/${cn}/validate`, {});
  await waitStatus(e2e, enrollmentId, changeId, "complete");
}

describe("fault injection", () => {
  it("is deterministic for a given seed", async () => {
    const run = async (): Promise<number[]> => {
      await e2e.admin("PUT", "/faults", { seed: 42, errors: { percent: 50, status: 500 } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await rawGet("/cps/v2/enrollments?contractId=K-1")).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(400); // the rest reach the EdgeGrid check (no Authorization header)
    expect(await run()).toEqual(first);
  });

  it("5xx: forward-origin-error problems; the client retries GETs and the flow completes", async () => {
    const before = await injected();
    await e2e.admin("PUT", "/faults", { seed: 3, errors: { percent: 40, status: 503 }, methods: ["GET"] });
    const sample = await (async () => {
      for (let i = 0; i < 20; i++) {
        const r = await rawGet("/cps/v2/enrollments?contractId=K-1");
        if (r.status === 503) return r;
      }
      return undefined;
    })();
    expect(sample?.headers["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(sample?.body ?? "{}")).toMatchObject({ type: expect.stringMatching(/forward-origin-error$/), status: 503 });
    await dvFlow("five.faults.test");
    expect((await injected()).errors).toBeGreaterThan(before.errors + 1);
  });

  it("429: the documented body and Retry-After; the client waits and completes", async () => {
    await e2e.admin("PUT", "/faults", { rateLimit: { enabled: true, requests: 4, perMs: 1000 } });
    let limited: Awaited<ReturnType<typeof rawGet>> | undefined;
    for (let i = 0; i < 6 && !limited; i++) {
      const r = await rawGet("/cps/v2/enrollments?contractId=K-1");
      if (r.status === 429) limited = r;
    }
    expect(limited?.headers["retry-after"]).toMatch(/^\d+$/);
    expect(JSON.parse(limited?.body ?? "{}")).toMatchObject({ title: "Too Many Requests", detail: expect.stringMatching(/Retry after: \d+ seconds/) });

    const before = await injected();
    const { enrollmentId } = await createDv(e2e, "limited.faults.test");
    // A concurrent burst over the server's 4 per second (the client's own budget is 20 per 2 s), so
    // the server answers 429 however slow this machine is; every call still completes. Eight
    // different reads: identical GETs in flight at once would share one request.
    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => (i === 0 ? e2e.client.getEnrollment(enrollmentId) : e2e.client.listEnrollments(`K-${i}`))));
    expect((burst[0] as { id: number }).id).toBe(enrollmentId);
    expect((await injected()).rateLimited).toBeGreaterThan(before.rateLimited);
  });

  it("connection resets: GETs are retried and succeed", async () => {
    const before = await injected();
    await e2e.admin("PUT", "/faults", { seed: 5, resets: { percent: 40 }, methods: ["GET"] });
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) outcomes.push(await rawGet("/cps/v2/enrollments").then((r) => String(r.status), (error: NodeJS.ErrnoException) => error.code ?? "error"));
    expect(outcomes).toContain("ECONNRESET");
    await dvFlow("reset.faults.test");
    expect((await injected()).resets).toBeGreaterThan(before.resets + 1);
  });

  it("latency delays every request", async () => {
    const before = await injected();
    await e2e.admin("PUT", "/faults", { latency: { ms: 150, jitterMs: 50 } });
    const started = Date.now();
    await rawGet("/cps/v2/enrollments");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect((await injected()).delayed).toBe(before.delayed + 1);
  });

  it("a stuck change stops advancing until released", async () => {
    const cn = "stuck.faults.test";
    const { enrollmentId, changeId } = await createDv(e2e, cn);
    await waitStatus(e2e, enrollmentId, changeId, DV_STATUS);
    expect((await e2e.admin("POST", `/changes/${changeId}/stick`)).body).toMatchObject({ stuck: true });
    await e2e.admin("POST", `/domains/${cn}/validate`, {});
    // an hour of emulator time: every due step and recheck would run now, but this change stays put
    await e2e.admin("POST", "/clock/advance", { seconds: 3600 });
    const held = await e2e.client.getChangeStatus(enrollmentId, changeId);
    expect(held.statusInfo.status).toBe(DV_STATUS);
    expect((await e2e.admin("GET", `/changes/${changeId}`)).body).toMatchObject({ stuck: true });

    await e2e.admin("POST", `/changes/${changeId}/release`);
    await waitStatus(e2e, enrollmentId, changeId, "complete");
  });
});
