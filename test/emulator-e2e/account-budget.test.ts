/**
 * The client against the emulator's per-account budget, counted at the emulator: a burst of
 * creates from a client that thinks it has far more budget than the account (another tool used the
 * rest) meets 429s in both published shapes and still creates every enrollment exactly once.
 * The emulator's clock runs 60× so its minute is a second; only counts are asserted.
 */
import { enrollmentRequestSchema } from "../../provider/cps";
import { dvEnrollment, startE2e, type E2e } from "./helpers";

interface Report {
  accounts: Array<{ account: string; requests: number; rateLimited: number }>;
}

let e2e: E2e;
let ids: number[];
beforeAll(async () => {
  e2e = await startE2e(
    // 10 a minute (a second of real time): the client's 100 per second overruns it at once.
    { timeScale: 60, createThrottle: false, rateLimits: { enabled: false, windows: [{ requests: 10, perMs: 60_000 }, { requests: 20, perMs: 2_000 }] } },
    { rateLimit: { requests: 100, perMs: 1000 } },
  );
  const created = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => e2e.client.createEnrollment({ contractId: `K-${i}`, enrollment: enrollmentRequestSchema.parse(dvEnrollment(`b${i}.budget.test`)) })),
  );
  ids = created.map((c) => c.enrollmentId);
  await e2e.admin("PUT", "/rate-limits", { enabled: true });
  await e2e.admin("DELETE", "/rate-limits/accounts");
});
afterAll(async () => {
  await e2e.stop();
});

it("a burst of reads and deletes far over the account's budget: every delete lands exactly once, every 429 absorbed", async () => {
  // 30 different reads (identical GETs queued at once would share one request).
  const reads = Array.from({ length: 30 }, (_, i) => e2e.client.listEnrollments(`K-${i + 1}`));
  const deletes = ids.map((enrollmentId) => e2e.client.removeEnrollment({ enrollmentId, allowCancelPendingChanges: true }));
  const [readResults, deleteResults] = await Promise.all([Promise.all(reads), Promise.all(deletes)]);
  expect(readResults).toHaveLength(30);
  expect(deleteResults.map((r) => r.enrollmentId).sort()).toEqual([...ids].sort());
  const report = (await e2e.admin<Report>("GET", "/rate-limits")).body;
  const own = report.accounts.find((a) => a.account === "(own account)")!;
  // The emulator turned requests away — more often than the retry policy's 6 attempts — and every
  // request it counted beyond the 35 calls was a 429: nothing was sent twice once accepted.
  expect(own.rateLimited).toBeGreaterThan(6);
  expect(own.requests).toBe(35 + own.rateLimited);
  const deletesSeen = (await e2e.admin<{ byOperation: Record<string, number> }>("GET", "/stats")).body.byOperation;
  expect(Object.entries(deletesSeen).filter(([op]) => /remove|delete/i.test(op))).toEqual([[expect.any(String), 5]]);
});
