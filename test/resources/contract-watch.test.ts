/**
 * Multiplexed waiting (provider/lifecycle/contract-watch.ts) on a virtual clock against a fake CPS
 * that counts requests: waits of one contract share its list; a wait reads its own change when an
 * action may be due or its step's expected time passed; deployment waits poll slowly; an action of
 * ours resets. Counted in requests, never timed.
 */
import { changeStatusSchema, currentRequestContext, withRequestContext, type ChangeStatus, type Enrollment } from "../../provider/cps";
import { changeReadPlan, configureContractWatch, contractWatchStats, EXPECTED_STEP_MS, readChange, rememberContract, rememberContractList, type WatchClient } from "../../provider/lifecycle/contract-watch";
import { throwIfFailed } from "../../provider/lifecycle/enrollment-wait";
import { activeWaitCount, budgetPacedIntervalMs, waitUntil } from "../../provider/lifecycle/poll";
import { findInput, INPUT, isComplete } from "../../provider/lifecycle/statuses";
import { virtualTime } from "../support/virtual-time";

const MINUTE = 60_000;


function change(status: string, state = "running", inputs: string[] = [], error?: { code: string; description: string }): ChangeStatus {
  return changeStatusSchema.parse({
    statusInfo: { status, state, description: status, ...(error ? { error } : {}) },
    allowedInput: inputs.map((type) => ({ type, requiredToProceed: true, info: `/info/${type}`, update: `/update/${type}` })),
  });
}

/** A contract of enrollments 1..n, each with change 100+i, counting the requests a real CPS would see. */
class FakeCps implements WatchClient {
  listReads = 0;
  changeReads = 0;
  readonly changes = new Map<number, ChangeStatus>();
  readonly pending = new Set<number>();
  readonly contractOf = new Map<number, string>();
  constructor(n: number, status: ChangeStatus) {
    for (let i = 1; i <= n; i++) {
      this.changes.set(i, status);
      this.pending.add(i);
    }
  }
  set(enrollmentId: number, status: ChangeStatus, stillPending = true): void {
    this.changes.set(enrollmentId, status);
    if (!stillPending) this.pending.delete(enrollmentId);
  }
  async getChangeStatus(enrollmentId: number): Promise<ChangeStatus> {
    this.changeReads++;
    return this.changes.get(enrollmentId)!;
  }
  async listEnrollments(contractId: string): Promise<Enrollment[]> {
    this.listReads++;
    return [...this.changes.keys()].filter((id) => (this.contractOf.get(id) ?? "K-TEST") === contractId).map((id) => ({ id, pendingChanges: this.pending.has(id) ? [{ changeId: 100 + id, changeType: "new-certificate", location: `/cps/v2/enrollments/${id}/changes/${100 + id}` }] : [] }) as unknown as Enrollment);
  }
}

/** A wait as the Deployment resource's: done once complete; fails on error; acknowledges change management. */
function deploymentWait(cps: FakeCps, enrollmentId: number, time: ReturnType<typeof virtualTime>, seen: string[] = []): Promise<string> {
  return waitUntil<string>(
    async () => {
      const c = await readChange(cps, { enrollmentId, changeId: 100 + enrollmentId });
      throwIfFailed(enrollmentId, 100 + enrollmentId, c);
      seen.push(`${time.now()}:${c.statusInfo.status}`);
      if (isComplete(c)) return { done: "complete", state: c.statusInfo.status };
      if (findInput(c, INPUT.changeManagement)) {
        // An action of ours (what the transport counts for every accepted non-GET).
        currentRequestContext().wait!.actions++;
        cps.set(enrollmentId, change("deploy-cert-to-production"));
        return { state: `${c.statusInfo.status}, acknowledged` };
      }
      return { state: c.statusInfo.status };
    },
    { what: `deployment ${enrollmentId}`, timeoutMs: 120 * MINUTE, sleep: time.sleep, now: time.now },
  );
}

function runWaits(cps: FakeCps, n: number, time: ReturnType<typeof virtualTime>, perMinute = 17): Promise<string[]> {
  return withRequestContext({ requestsPerMinute: () => perMinute }, () => Promise.all(Array.from({ length: n }, (_, i) => deploymentWait(cps, i + 1, time))));
}

function fresh(n: number, status: ChangeStatus, knownContract = true): FakeCps {
  const cps = new FakeCps(n, status);
  if (knownContract) for (let i = 1; i <= n; i++) rememberContract(cps, i, "ctr_K-TEST");
  return cps;
}

afterEach(() => configureContractWatch());

it("contract lists that diffs read during an up (live-enrollments.ts) serve the waits too: they read none of their own meanwhile", async () => {
  /** The waits' own list reads during `minutes`, with or without a diff reading the list every 10 s. */
  async function waitsListReads(minutes: number, diffsRead: boolean): Promise<number> {
    const time = virtualTime();
    configureContractWatch({ now: time.now });
    const cps = fresh(1, change("deploy-cert-to-production"));
    let diffReads = 0;
    const waits = runWaits(cps, 1, time).catch(() => undefined);
    // Diffs of other resources of the stack, each reading the contract's list, every 10 s meanwhile.
    const diffs = (async () => {
      for (let t = 10_000; diffsRead && t <= minutes * MINUTE; t += 10_000) {
        await time.sleep(10_000);
        diffReads++;
        rememberContractList(cps, "ctr_K-TEST", await cps.listEnrollments("K-TEST"));
      }
    })();
    await time.run(minutes * MINUTE);
    await diffs;
    const own = cps.listReads - diffReads;
    cps.set(1, change("complete", "complete"), false);
    await time.run(200 * MINUTE);
    await waits;
    return own;
  }
  expect(await waitsListReads(1, false)).toBeGreaterThanOrEqual(3);
  expect(await waitsListReads(1, true)).toBe(0);
});

describe("the interval policy", () => {
  const share = budgetPacedIntervalMs(17, 1); // one wait on the default 17 a minute: ~4.7 s
  const deploying = change("deploy-cert-to-production");

  it("a deployment is not read again before its expected duration, and polls at ~1/20 of it", () => {
    const plan = changeReadPlan({ last: deploying, msInStatus: 2 * MINUTE, msSinceRead: 60_000, acted: false, contractKnown: true, shareMs: share });
    expect(plan).toEqual({ readChange: false, reason: "list", intervalMs: EXPECTED_STEP_MS["deploy-cert-to-production"]! / 20 });
    expect(plan.intervalMs).toBeGreaterThanOrEqual(15_000);
  });

  it("once the step outlasted its expected duration, the change is read (every quarter of it)", () => {
    const expected = EXPECTED_STEP_MS["deploy-cert-to-production"]!;
    expect(changeReadPlan({ last: deploying, msInStatus: expected, msSinceRead: expected / 4, acted: false, contractKnown: true, shareMs: 60_000 }).readChange).toBe(true);
    expect(changeReadPlan({ last: deploying, msInStatus: expected + 1, msSinceRead: 1000, acted: false, contractKnown: true, shareMs: 60_000 }).readChange).toBe(false);
  });

  it("an action of ours, an offered input, a coming input, or no contract: read the change now", () => {
    const base = { msInStatus: 0, msSinceRead: 0, contractKnown: true, shareMs: share };
    expect(changeReadPlan({ ...base, last: deploying, acted: true })).toEqual({ readChange: true, reason: "action of ours" });
    expect(changeReadPlan({ ...base, last: change("wait-review-cert-warning", "awaiting-input", [INPUT.postVerificationWarnings]), acted: false }).reason).toBe("input offered");
    expect(changeReadPlan({ ...base, last: change("generate-csr"), acted: false }).reason).toBe("input coming");
    expect(changeReadPlan({ ...base, last: deploying, acted: false, contractKnown: false }).readChange).toBe(true);
  });

  it("with budget to spare (a raised limit), every poll reads the change and keeps its own backoff", () => {
    expect(changeReadPlan({ last: deploying, msInStatus: 0, msSinceRead: 0, acted: false, contractKnown: true, shareMs: 0 })).toEqual({ readChange: true, reason: "budget to spare" });
  });

  it("the stretch follows the wait's share: a scarce share allows longer gaps than a rich one", () => {
    const short = changeReadPlan({ last: change("check-for-cert"), msInStatus: 0, msSinceRead: 30_000, acted: false, contractKnown: true, shareMs: 1000 });
    const long = changeReadPlan({ last: change("check-for-cert"), msInStatus: 0, msSinceRead: 30_000, acted: false, contractKnown: true, shareMs: 10_000 });
    expect(short.readChange).toBe(true);
    expect(long.readChange).toBe(false);
  });
});

describe("waits of one contract share its list", () => {
  it("ten deployment waits on one contract: one list read per interval and a change read each only when due, not ten change reads per interval", async () => {
    const time = virtualTime();
    configureContractWatch({ now: time.now });
    const cps = fresh(10, change("deploy-cert-to-production"));
    const all = runWaits(cps, 10, time);
    await time.run(4 * MINUTE);
    expect(cps.changeReads).toBe(10); // each wait's first read, then nothing due before the deployment's expected 5 minutes
    // ~every 15 s (1/20 of the expected deployment), shared by the ten waits.
    expect(cps.listReads).toBeGreaterThanOrEqual(4 * 3);
    expect(cps.listReads).toBeLessThanOrEqual(4 * 4 + 2);
    for (let i = 1; i <= 10; i++) cps.set(i, change("complete", "completed"), false);
    await time.run(10 * MINUTE);
    await expect(all).resolves.toEqual(Array(10).fill("complete"));
    // The change that left pendingChanges is read once by each wait to know it completed.
    expect(cps.changeReads).toBe(20);
    expect(contractWatchStats(cps).servedFromList).toBeGreaterThan(10 * 4 * 2);
  });

  it("the same waits without a known contract read their own change at their paced interval (the baseline)", async () => {
    const time = virtualTime();
    configureContractWatch({ now: time.now });
    const cps = fresh(10, change("deploy-cert-to-production"), false);
    const all = runWaits(cps, 10, time);
    await time.run(4 * MINUTE);
    expect(cps.listReads).toBe(0);
    // Ten readers on 17 a minute: every ~47 s each → ~50 change reads where the shared list needed ~16.
    expect(cps.changeReads).toBeGreaterThan(40);
    for (let i = 1; i <= 10; i++) cps.set(i, change("complete", "completed"), false);
    await time.run(12 * MINUTE);
    await all;
  });

  it("a wait still notices an input that appears while the list shows its change pending (by the step's expected time)", async () => {
    const time = virtualTime();
    configureContractWatch({ now: time.now });
    const cps = fresh(3, change("deploy-cert-to-staging"));
    const seen: string[] = [];
    const all = withRequestContext({ requestsPerMinute: () => 17 }, () => Promise.all([1, 2, 3].map((id) => deploymentWait(cps, id, time, id === 1 ? seen : []))));
    await time.run(MINUTE);
    // Staging done: change management offered; the change stays pending.
    for (const id of [1, 2, 3]) cps.set(id, change("wait-ack-change-management", "awaiting-input", [INPUT.changeManagement]));
    await time.run(EXPECTED_STEP_MS["deploy-cert-to-staging"]! + MINUTE);
    const noticed = seen.find((s) => s.endsWith(":wait-ack-change-management"));
    expect(noticed).toBeDefined();
    expect(Number(noticed!.split(":")[0])).toBeLessThanOrEqual(EXPECTED_STEP_MS["deploy-cert-to-staging"]! + 30_000);
    // The acknowledgement (an action of ours) is followed by a read of the change right away, not at the
    // deployment's pace: the next read of wait 1 comes within the short backoff.
    const after = seen.findIndex((s) => s === noticed) + 1;
    expect(seen[after]).toMatch(/:deploy-cert-to-production$/);
    expect(Number(seen[after]!.split(":")[0]) - Number(noticed!.split(":")[0])).toBeLessThan(budgetPacedIntervalMs(17, 3) + 1000);
    for (const id of [1, 2, 3]) cps.set(id, change("complete", "completed"), false);
    await time.run(40 * MINUTE);
    await all;
  });

  it("a failure (state error) while the list shows the change pending is reported by the step's expected time", async () => {
    const time = virtualTime();
    configureContractWatch({ now: time.now, expectedStepMs: { "deploy-cert-to-production": 4 * MINUTE } });
    const cps = fresh(2, change("deploy-cert-to-production"));
    const all = runWaits(cps, 2, time).catch((e: unknown) => e);
    await time.run(MINUTE);
    cps.set(1, change("deploy-cert-to-production", "error", [], { code: "deployment-failed", description: "edge rejected it" }));
    await time.run(4 * MINUTE + 30_000);
    const error = await Promise.race([all, Promise.resolve("still waiting")]);
    expect(error instanceof Error ? error.message : String(error)).toMatch(/deployment-failed|edge rejected it/);
    // Let the other wait end, so no wait of this test is left counting against the next tests' budget.
    cps.set(2, change("complete", "completed"), false);
    await time.run(30 * MINUTE);
  });

  it("waits of different contracts each get their own list", async () => {
    const time = virtualTime();
    configureContractWatch({ now: time.now });
    const cps = new FakeCps(4, change("deploy-cert-to-production"));
    for (const [id, contract] of [[1, "K-A"], [2, "K-A"], [3, "K-B"], [4, "K-B"]] as const) {
      cps.contractOf.set(id, contract);
      rememberContract(cps, id, contract);
    }
    const all = runWaits(cps, 4, time);
    await time.run(5 * MINUTE);
    // Two contracts: about twice the list reads of one, still far below one change read per wait and poll.
    expect(cps.changeReads).toBe(4);
    expect(cps.listReads).toBeGreaterThanOrEqual(2 * 5);
    for (let i = 1; i <= 4; i++) cps.set(i, change("complete", "completed"), false);
    await time.run(10 * MINUTE);
    await all;
  });
});

it("a contract list that fails (no permission to list it) is not retried every poll: its waits read their own changes", async () => {
  const time = virtualTime();
  configureContractWatch({ now: time.now });
  const cps = fresh(3, change("deploy-cert-to-production"));
  cps.listEnrollments = async () => {
    cps.listReads++;
    throw new Error("403 Forbidden");
  };
  const all = runWaits(cps, 3, time);
  await time.run(4 * MINUTE);
  expect(cps.listReads).toBe(1);
  // Each wait reads its own change at its paced interval instead.
  expect(cps.changeReads).toBeGreaterThan(3);
  for (let i = 1; i <= 3; i++) cps.set(i, change("complete", "completed"), false);
  await time.run(10 * MINUTE);
  await expect(all).resolves.toEqual(Array(3).fill("complete"));
});

it("an action of ours resets a wait's interval even when the state it reports stays the same", async () => {
  const time = virtualTime();
  configureContractWatch({ now: time.now });
  const cps = fresh(1, change("deploy-cert-to-production"));
  const polls: number[] = [];
  const wait = withRequestContext({ requestsPerMinute: () => 17 }, () =>
    waitUntil<true>(
      async () => {
        await readChange(cps, { enrollmentId: 1, changeId: 101 });
        polls.push(time.now());
        // At the fourth poll: an acknowledgement of ours (the transport counts every accepted non-GET).
        if (polls.length === 4) currentRequestContext().wait!.actions++;
        return polls.length === 6 ? { done: true, state: "same" } : { state: "same" };
      },
      { what: "a deployment", timeoutMs: 120 * MINUTE, sleep: time.sleep, now: time.now },
    ),
  );
  await time.run(30 * MINUTE);
  await wait;
  const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
  // In the deployment the wait polls at its step's pace (1/20 of 5 minutes); right after the action, at its short backoff.
  expect(gaps[1]).toBeGreaterThanOrEqual(EXPECTED_STEP_MS["deploy-cert-to-production"]! / 20);
  expect(gaps[3]).toBeLessThan(budgetPacedIntervalMs(17, 1) + 1);
  expect(cps.changeReads).toBe(2); // the first read and the one right after the action
});

afterAll(() => {
  // Every wait of these tests ended (a wait left polling would skew the next suite's pacing).
  expect(activeWaitCount()).toBe(0);
});
