/**
 * Multiplexed waiting against the emulator, counted at the emulator (its per-operation request
 * counters): waits on changes of one contract share one `GET /enrollments?contractId=` per interval
 * and read their own change only when it is due — first, when it left `pendingChanges`, or when its
 * step outlasted its expected duration — and a failure in a step without input is still reported.
 * The production deployment is made long (10 emulator minutes) so the waits sit in it; it is ended
 * by moving the emulator clock. Only counts are asserted, never times.
 */
import { CpsChangeError, withRequestContext, type CpsClient } from "../../provider/cps";
import { configureContractWatch, contractWatchStats, readChange, rememberContract } from "../../provider/lifecycle/contract-watch";
import { throwIfFailed } from "../../provider/lifecycle/enrollment-wait";
import { waitUntil } from "../../provider/lifecycle/poll";
import { isComplete } from "../../provider/lifecycle/statuses";
import { FAST_STEPS } from "../emulator/harness";
import { acknowledgeChallenges, createDv, DV_STATUS, publishDns01, startE2e, waitFor, waitStatus, type E2e } from "./helpers";

const CONTRACT = "K-E2E";
const N = 6;
const DEPLOYMENT_MS = 10 * 60_000;

interface Stats {
  byOperation: Record<string, number>;
}

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e({ stepDurations: { ...FAST_STEPS, "deploy-cert-to-production": DEPLOYMENT_MS } });
  expect((await e2e.admin("POST", "/dns/zones", { zone: "watch.test" })).status).toBe(201);
});
afterAll(async () => {
  configureContractWatch();
  await e2e?.stop();
});

/** A DV change driven to the (long) production deployment. */
async function deploying(name: string): Promise<{ enrollmentId: number; changeId: number }> {
  const created = await createDv(e2e, `${name}.watch.test`);
  const coordinating = await waitStatus(e2e, created.enrollmentId, created.changeId, DV_STATUS);
  await publishDns01(e2e, "watch.test", coordinating);
  await acknowledgeChallenges(e2e, created.enrollmentId, created.changeId, coordinating);
  await waitStatus(e2e, created.enrollmentId, created.changeId, "deploy-cert-to-production");
  return created;
}

/** The Deployment resource's wait in miniature: done when complete, fails on `state: error`. */
function follow(client: CpsClient, ref: { enrollmentId: number; changeId: number }): Promise<string> {
  return waitUntil<string>(
    async () => {
      const change = await readChange(client, ref);
      throwIfFailed(ref.enrollmentId, ref.changeId, change);
      return isComplete(change) ? { done: change.statusInfo.status, state: change.statusInfo.status } : { state: change.statusInfo.status };
    },
    { what: `deployment of enrollment ${ref.enrollmentId}`, timeoutMs: 60_000, maxIntervalMs: 1000 },
  );
}

async function counts(): Promise<{ lists: number; changes: number }> {
  const byOperation = (await e2e.admin<Stats>("GET", "/stats")).body.byOperation;
  return { lists: byOperation["get-enrollments"] ?? 0, changes: byOperation["get-enrollment-change"] ?? 0 };
}

it(`${N} waits on one contract cost about one list read per interval and two change reads each, not ${N} change reads per interval`, async () => {
  const changes = await Promise.all(Array.from({ length: N }, (_, i) => deploying(`w${i}`)));
  for (const c of changes) rememberContract(e2e.client, c.enrollmentId, CONTRACT);
  // The deployment is expected to take longer than this test looks at it; its polls are 1/20 of it.
  configureContractWatch({ expectedStepMs: { "deploy-cert-to-production": 20_000 } });
  await e2e.admin("DELETE", "/stats");
  // 340 a minute: a budget scarce enough that the waits stretch their change reads (SHARE_MULTIPLE).
  const done = withRequestContext({ requestsPerMinute: () => 340 }, () => Promise.all(changes.map((c) => follow(e2e.client, c))));
  const before = contractWatchStats(e2e.client);
  await waitFor("the waits to share several list reads", async () => (contractWatchStats(e2e.client).listReads - before.listReads >= 5 ? true : undefined), 30_000);
  const during = await counts();
  const served = contractWatchStats(e2e.client).servedFromList - before.servedFromList;
  // Each wait read its change once; every poll since was answered by the shared list.
  expect(during.changes).toBe(N);
  expect(during.lists).toBeGreaterThanOrEqual(5);
  expect(served).toBeGreaterThanOrEqual(during.lists);
  // End the deployments: the changes leave pendingChanges; each wait reads its change once to see it completed.
  await e2e.admin("POST", "/clock/advance", { ms: DEPLOYMENT_MS });
  await expect(done).resolves.toEqual(Array(N).fill("complete"));
  const after = await counts();
  expect(after.changes).toBe(2 * N);
  // Without the shared list every poll of every wait is a change read: N per interval.
  expect(after.changes + after.lists).toBeLessThan(N * (after.lists - 1));
}, 120_000);

it("a change that fails in a step without input is still reported, by its step's expected time", async () => {
  const c = await deploying("fails");
  rememberContract(e2e.client, c.enrollmentId, CONTRACT);
  configureContractWatch({ expectedStepMs: { "deploy-cert-to-production": 3000 } });
  // The deployment window closes before the deployment is due: CPS fails the change (state error);
  // the change stays in pendingChanges, so only its own read can tell.
  const now = (await e2e.admin<{ now: string }>("GET", "/clock")).body.now;
  await e2e.client.updateDeploymentSchedule(c.enrollmentId, c.changeId, { notBefore: null, notAfter: new Date(Date.parse(now) + 60_000).toISOString() });
  await e2e.admin("DELETE", "/stats");
  const outcome = withRequestContext({ requestsPerMinute: () => 340 }, () => follow(e2e.client, c)).catch((e: unknown) => e);
  await waitFor("the wait to be served by the list", async () => ((await counts()).lists >= 1 ? true : undefined), 30_000);
  await e2e.admin("POST", "/clock/advance", { ms: DEPLOYMENT_MS });
  const enrollment = (await e2e.client.listEnrollments(CONTRACT)).find((e) => e.id === c.enrollmentId);
  expect(enrollment?.pendingChanges?.map((p) => p.changeId)).toContain(c.changeId);
  const error = await outcome;
  expect(error).toBeInstanceOf(CpsChangeError);
  expect(String(error)).toMatch(/deployment-window-expired|deployment window/i);
  // First read, then list reads until the step's expected time, then the read that saw the failure.
  expect((await counts()).changes).toBeLessThanOrEqual(3);
}, 120_000);

it("a change-management acknowledgement that CPS asks for while the change stays pending is noticed, by the staging deployment's expected time", async () => {
  await e2e.admin("PUT", "/config/step-durations", { "deploy-cert-to-staging": DEPLOYMENT_MS });
  try {
    const created = await createDv(e2e, "cm.watch.test", [], { changeManagement: true });
    const coordinating = await waitStatus(e2e, created.enrollmentId, created.changeId, DV_STATUS);
    await publishDns01(e2e, "watch.test", coordinating);
    await acknowledgeChallenges(e2e, created.enrollmentId, created.changeId, coordinating);
    await waitStatus(e2e, created.enrollmentId, created.changeId, "deploy-cert-to-staging");
    rememberContract(e2e.client, created.enrollmentId, CONTRACT);
    configureContractWatch({ expectedStepMs: { "deploy-cert-to-staging": 3000 } });
    await e2e.admin("DELETE", "/stats");
    const asked = withRequestContext({ requestsPerMinute: () => 340 }, () =>
      waitUntil<string>(
        async () => {
          const change = await readChange(e2e.client, created);
          throwIfFailed(created.enrollmentId, created.changeId, change);
          return change.allowedInput.some((i) => i.type === "change-management") ? { done: change.statusInfo.status, state: change.statusInfo.status } : { state: change.statusInfo.status };
        },
        { what: "change management", timeoutMs: 60_000, maxIntervalMs: 1000 },
      ),
    );
    await waitFor("the wait to be served by the list", async () => ((await counts()).lists >= 1 ? true : undefined), 30_000);
    // Staging is done: CPS waits for the acknowledgement; the list still shows the change pending.
    await e2e.admin("POST", "/clock/advance", { ms: DEPLOYMENT_MS });
    await expect(asked).resolves.toBe("wait-ack-change-management");
    // The first read, and the read due at the step's expected time that found the input.
    expect((await counts()).changes).toBeLessThanOrEqual(3);
  } finally {
    await e2e.admin("PUT", "/config/step-durations", { "deploy-cert-to-staging": FAST_STEPS["deploy-cert-to-staging"] });
  }
}, 120_000);
