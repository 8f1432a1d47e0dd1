/**
 * `npm run bench`: issue 13's scenarios under Akamai's real account budget (35 requests a minute
 * plus 20 per 2 s per account, enforced by the emulator; the provider's default share of it) and
 * the creation throttle (one certificate per 5 minutes), on the realistic step durations
 * (bench/profile) compressed by one clock for CPS, the budget windows and the provider alike
 * (see bench/README.md). Prints one table with every target met or missed and writes
 * bench/results/latest.json and latest.md. Only ratios and counts are judged.
 *
 * BENCH_QUICK=1 runs every scenario at small N (development: printed, not written to results/).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ACCOUNT_MINUTE_LIMIT, DEFAULT_BUDGET_SHARE } from "../provider/cps";
import { stackFloor } from "./floor";
import { runManyWaits } from "./many-waits";
import { runPreviewsAtScale } from "./preview-scale";
import { REALISTIC_STEPS, TIME_SCALE } from "./profile";
import {
  accountFigures,
  changeFigures,
  PROFILE_CRITICAL_PATH_CPS_MS,
  startStackEmulator,
  SURFACED_429,
  startStackHost,
  terraformStack,
  upStack,
  type StackRun,
} from "./stack";
import { previewRows, stackRows, tenantRows, twoStackRows, waitsRows, type StackScenario, type TwoStacks } from "./rows";
import { fmt, formatTable, type Row } from "./table";

const QUICK = process.env.BENCH_QUICK === "1";
const SIZES = QUICK ? [1, 2] : [1, 5, 20, 50];
/** The size scenario 1's ≤ 1.2 target is about, and scenario 3 repeats. */
const TARGET_N = QUICK ? 2 : 20;
const TWO_STACKS_N = QUICK ? 2 : 10;
const PREVIEW_SIZES = QUICK ? [50] : [50, 200, 500];
const WAITS_N = QUICK ? 50 : 500;
/** Another tenant's 40 % of the account's 35 a minute. */
const OTHER_TENANT_PER_MINUTE = 0.4 * ACCOUNT_MINUTE_LIMIT.requests;
/** What one stack may use by default: its share of the account's minute budget (17). */
const STACK_PER_MINUTE = Math.max(1, Math.floor(ACCOUNT_MINUTE_LIMIT.requests * DEFAULT_BUDGET_SHARE));

const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** The whole run's bound (real ms). */
const WATCHDOG_MS = 15 * 60_000;

/** Stacks run at once. */
const LANES = 5;

/** A stack's expected CPS minutes (its floor on the profile), to balance the lanes. */
const estimateMinutes = (n: number) => stackFloor({ certificates: n, criticalPathCpsMs: PROFILE_CRITICAL_PATH_CPS_MS, requestsPerMinute: STACK_PER_MINUTE }).floorCpsMs / 60_000;

function setJob<T>(map: Map<number, Promise<T>>, n: number, p: Promise<T>): Promise<T> {
  map.set(n, p);
  return p;
}

/** Runs the jobs `lanes` at a time, longest first, each next job on the lane that frees first. */
async function inLanes(jobs: ReadonlyArray<[number, () => Promise<unknown>]>, lanes: number): Promise<void> {
  const queue = [...jobs].sort((a, b) => b[0] - a[0]);
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      // A job's failure is its scenario's row ("first failure"), never the end of the bench.
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job[1]().catch(() => undefined);
    }),
  );
}

/** A scenario that threw (an emulator or host that did not start) as a stack that completed nothing. */
function failedRun(label: string, n: number, error: unknown): StackRun {
  const message = `${label}: the scenario failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`;
  return { label, certificates: n, completed: 0, failures: [message], surfaced429: SURFACED_429.test(message) ? 1 : 0, wallCpsMs: Number.NaN, runs: [] };
}
const noFigures = (n: number) => ({
  account: { requests: 0, rateLimited: 0, otherTenantRequests: 0 },
  changes: { criticalPathCpsMs: PROFILE_CRITICAL_PATH_CPS_MS, shortestPathCpsMs: PROFILE_CRITICAL_PATH_CPS_MS, noticeDelaysCpsMs: [], unobserved: 0 },
  floor: stackFloor({ certificates: n, criticalPathCpsMs: PROFILE_CRITICAL_PATH_CPS_MS, requestsPerMinute: STACK_PER_MINUTE }),
});
async function orFailed(p: Promise<StackScenario> | undefined, label: string, n: number): Promise<StackScenario> {
  try {
    if (p === undefined) throw new Error("not run");
    return await p;
  } catch (e) {
    log(`${label} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return { run: failedRun(label, n, e), ...noFigures(n) };
  }
}
async function twoOrFailed(p: Promise<TwoStacks> | undefined, n: number): Promise<TwoStacks> {
  try {
    if (p === undefined) throw new Error("not run");
    return await p;
  } catch (e) {
    return { a: failedRun("a", n, e), b: failedRun("b", n, e), ...noFigures(2 * n) };
  }
}

const done = (what: string, run: StackRun) =>
  `${what}: ${run.completed}/${run.certificates} on production, wall ${fmt.minutes(run.wallCpsMs)} CPS${run.failures[0] !== undefined ? `; ${run.failures.length} failed, first: ${run.failures[0]}` : ""}`;

/** Real ms a stack of n may take before the bench gives up on it: twice its floor plus 40 CPS minutes. */
function deadlineRealMs(n: number, perMinute: number): number {
  const floor = stackFloor({ certificates: n, criticalPathCpsMs: PROFILE_CRITICAL_PATH_CPS_MS, requestsPerMinute: perMinute });
  return (2 * floor.floorCpsMs + 40 * 60_000) / TIME_SCALE;
}


/** Scenario 1 (ours), 3 (with another tenant): one stack, one host process, one emulator. */
async function oursStack(label: string, n: number, otherTenantPerMinute = 0): Promise<StackScenario> {
  const emu = await startStackEmulator(TIME_SCALE, otherTenantPerMinute > 0 ? { rateLimits: { otherTenant: { requestsPerMinute: otherTenantPerMinute } } } : {});
  try {
    const host = await startStackHost(emu, TIME_SCALE);
    try {
      emu.rateLimits.resetReport();
      const run = await upStack(host, label, n, TIME_SCALE, deadlineRealMs(n, STACK_PER_MINUTE));
      log(done(`stack ${label}`, run));
      return await figures(emu, run, n);
    } finally {
      await host.stop();
    }
  } finally {
    await emu.stop();
  }
}

async function figures(emu: Awaited<ReturnType<typeof startStackEmulator>>, run: StackRun, n: number, perMinute = STACK_PER_MINUTE): Promise<StackScenario> {
  const account = accountFigures(emu);
  const changes = await changeFigures(emu, run.runs);
  return { run, account, changes, floor: stackFloor({ certificates: n, criticalPathCpsMs: changes.criticalPathCpsMs, shortestPathCpsMs: changes.shortestPathCpsMs, requestsPerMinute: perMinute }) };
}

/** Scenario 1's baseline: the Terraform strategy on its own emulator, same budget. */
async function terraform(n: number, otherTenantPerMinute = 0): Promise<StackScenario> {
  const emu = await startStackEmulator(TIME_SCALE, otherTenantPerMinute > 0 ? { rateLimits: { otherTenant: { requestsPerMinute: otherTenantPerMinute } } } : {});
  try {
    emu.rateLimits.resetReport();
    const run = await terraformStack(emu, `tf${n}`, n, TIME_SCALE, deadlineRealMs(n, STACK_PER_MINUTE));
    log(done(`Terraform strategy N=${n}${otherTenantPerMinute > 0 ? " with another tenant" : ""}`, run));
    return await figures(emu, run, n);
  } finally {
    await emu.stop();
  }
}


/** Scenario 2: two stacks (two host processes) of one account and contract, started together. */
async function twoStacks(n: number): Promise<TwoStacks> {
  const emu = await startStackEmulator(TIME_SCALE);
  try {
    const [hostA, hostB] = await Promise.all([startStackHost(emu, TIME_SCALE), startStackHost(emu, TIME_SCALE)]);
    try {
      emu.rateLimits.resetReport();
      const started = Date.now();
      // Both stacks share the account's creation throttle: 2n creations, one per 5 minutes.
      const deadline = deadlineRealMs(2 * n, 2 * STACK_PER_MINUTE);
      const [a, b] = await Promise.all([upStack(hostA, "a", n, TIME_SCALE, deadline, started), upStack(hostB, "b", n, TIME_SCALE, deadline, started)]);
      log(done("two stacks: a", a));
      log(done("two stacks: b", b));
      const account = accountFigures(emu);
      const changes = await changeFigures(emu, [...a.runs, ...b.runs]);
      return { a, b, account, changes, floor: stackFloor({ certificates: 2 * n, criticalPathCpsMs: changes.criticalPathCpsMs, shortestPathCpsMs: changes.shortestPathCpsMs, requestsPerMinute: 2 * STACK_PER_MINUTE }) };
    } finally {
      await Promise.all([hostA.stop(), hostB.stop()]);
    }
  } finally {
    await emu.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  // Interrupted: exit, which stops every host process still running (bench/host).
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  // Every stack and wait has its own deadline; this one bounds whatever else could hang (a preview's
  // diffs, set-up), well past the ~5 minutes a run takes.
  setTimeout(() => {
    log(`the bench did not finish within ${WATCHDOG_MS / 60_000} minutes; stopping`);
    process.exit(1);
  }, WATCHDOG_MS).unref();
  log(`clock: CPS, its budget windows, its creation throttle and the provider all run ${TIME_SCALE}× compressed${QUICK ? " (BENCH_QUICK: small N)" : ""}`);
  log(`1–3. stacks N=${SIZES.join(", ")} (ours and the Terraform strategy), two stacks of ${TWO_STACKS_N}, N=${TARGET_N} with another tenant at ${OTHER_TENANT_PER_MINUTE}/min (ours and the Terraform strategy) — ${LANES} lanes, one emulator each`);
  const ours = new Map<number, Promise<StackScenario>>();
  const tf = new Map<number, Promise<StackScenario>>();
  let two: Promise<TwoStacks> | undefined;
  let tenant: Promise<StackScenario> | undefined;
  let tfTenant: Promise<StackScenario> | undefined;
  // Longest first, each lane's total about the N=50 stack (~265 CPS minutes): five stacks at a
  // time rather than ten, so the bench's own CPU (emulators, hosts) does not stretch CPS time.
  const jobs: Array<[cpsMinutes: number, run: () => Promise<unknown>]> = [
    ...SIZES.map((n): [number, () => Promise<unknown>] => [estimateMinutes(n), () => setJob(ours, n, oursStack(`s${n}`, n))]),
    ...SIZES.map((n): [number, () => Promise<unknown>] => [estimateMinutes(n), () => setJob(tf, n, terraform(n))]),
    [estimateMinutes(2 * TWO_STACKS_N), () => (two = twoStacks(TWO_STACKS_N))],
    [estimateMinutes(TARGET_N), () => (tenant = oursStack("t", TARGET_N, OTHER_TENANT_PER_MINUTE))],
    [estimateMinutes(TARGET_N), () => (tfTenant = terraform(TARGET_N, OTHER_TENANT_PER_MINUTE))],
  ];
  await inLanes(jobs, LANES);
  const oursRuns = await Promise.all(SIZES.map((n) => orFailed(ours.get(n), `s${n}`, n)));
  const tfRuns = await Promise.all(SIZES.map((n) => orFailed(tf.get(n), `tf${n}`, n)));
  log(`stacks done after ${fmt.seconds(Date.now() - started)}; 4. previews N=${PREVIEW_SIZES.join(", ")}`);
  const previews = await runPreviewsAtScale(PREVIEW_SIZES);
  log(`5. ${WAITS_N} waits in one process`);
  const waits = await runManyWaits(WAITS_N, TIME_SCALE);

  const rows: Row[] = [
    ...SIZES.flatMap((n, i) => stackRows(n, oursRuns[i]!, tfRuns[i]!, n === TARGET_N)),
    ...twoStackRows(await twoOrFailed(two, TWO_STACKS_N), TWO_STACKS_N),
    ...tenantRows(await orFailed(tenant, "t", TARGET_N), oursRuns[SIZES.indexOf(TARGET_N)], TARGET_N, await orFailed(tfTenant, "tft", TARGET_N), tfRuns[SIZES.indexOf(TARGET_N)]),
    ...previews.flatMap(previewRows),
    ...waitsRows(waits),
  ];
  const totalMs = Date.now() - started;
  const table = formatTable(rows);
  process.stdout.write(table + "\n");
  process.stdout.write(`bench finished in ${fmt.seconds(totalMs)} (clock ${TIME_SCALE}×${QUICK ? ", BENCH_QUICK" : ""}); targets met ${rows.filter((r) => r.met === true).length}, missed ${rows.filter((r) => r.met === false).length}\n`);
  // A BENCH_QUICK run is development: printed only, never the results the README quotes.
  if (QUICK) return;
  const dir = path.resolve(__dirname, "..", "..", "bench", "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "latest.md"), `${table}\n`);
  fs.writeFileSync(
    path.join(dir, "latest.json"),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        timeScale: TIME_SCALE,
        realisticSteps: REALISTIC_STEPS,
        benchSeconds: Math.round(totalMs / 1000),
        rows,
        details: { stacks: oursRuns, terraform: tfRuns, twoStacks: await twoOrFailed(two, TWO_STACKS_N), otherTenant: await orFailed(tenant, "t", TARGET_N), terraformOtherTenant: await orFailed(tfTenant, "tft", TARGET_N), previews, waits },
      },
      null,
      2,
    ) + "\n",
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
