/**
 * The rows of the bench's table, from the scenarios' measured figures (pure, so
 * test/bench/table.test.ts can check what a run prints).
 */
import { ACCOUNT_MINUTE_LIMIT } from "../provider/cps/rate-limiter";
import { median, ratio, spread, worst, type StackFloor } from "./floor";
import type { ManyWaitsResult } from "./many-waits";
import type { PreviewResult } from "./preview-scale";
import type { AccountFigures, ChangeFigures, StackRun } from "./stack";
import { atMost, fmt, type Row } from "./table";

export interface StackScenario {
  run: StackRun;
  account: AccountFigures;
  changes: ChangeFigures;
  floor: StackFloor;
}

export interface TwoStacks {
  a: StackRun;
  b: StackRun;
  account: AccountFigures;
  changes: ChangeFigures;
  floor: StackFloor;
}

/** A failure message short enough for a table cell. */
const short = (text: string | undefined, max = 140): string => (text === undefined ? "-" : text.length > max ? `${text.slice(0, max - 1)}…` : text);
const completed = (r: StackRun) => `${r.completed}/${r.certificates}`;
const received = (a: AccountFigures) => `${a.rateLimited} (${fmt.percent(a.rateLimited, a.requests)})`;
const notice = (c: ChangeFigures) => `${fmt.seconds(median(c.noticeDelaysCpsMs))} / ${fmt.seconds(worst(c.noticeDelaysCpsMs))}`;

export function stackRows(n: number, ours: StackScenario, tf: StackScenario, isTarget: boolean): Row[] {
  const scenario = `1 stack N=${n}`;
  const oursRatio = ratio(ours.run.wallCpsMs, ours.floor.floorCpsMs);
  return [
    {
      scenario,
      figure: `wall / floor (floor ${fmt.minutes(ours.floor.floorCpsMs)} CPS, ${ours.floor.binding}; wall ours ${fmt.minutes(ours.run.wallCpsMs)}, baseline ${fmt.minutes(tf.run.wallCpsMs)})`,
      ours: fmt.ratio(oursRatio),
      baseline: fmt.ratio(ratio(tf.run.wallCpsMs, tf.floor.floorCpsMs)),
      target: isTarget ? "≤ 1.20" : "report",
      met: isTarget ? atMost(oursRatio, 1.2) : null,
    },
    { scenario, figure: "certificates on production", ours: completed(ours.run), baseline: completed(tf.run), target: "all", met: ours.run.completed === n },
    { scenario, figure: "CPS requests per certificate", ours: fmt.perItem(ours.account.requests, n), baseline: fmt.perItem(tf.account.requests, n), target: "report", met: null },
    { scenario, figure: "429s received (share of requests)", ours: received(ours.account), baseline: received(tf.account), target: "≤ 1 %", met: ours.account.requests > 0 && ours.account.rateLimited <= ours.account.requests / 100 },
    { scenario, figure: "429s surfaced to the user", ours: String(ours.run.surfaced429), baseline: String(tf.run.surfaced429), target: "0", met: ours.run.surfaced429 === 0 },
    { scenario, figure: "notice delay median / worst (CPS time)", ours: notice(ours.changes), baseline: notice(tf.changes), target: "report", met: null },
    { scenario, figure: "first failure", ours: short(ours.run.failures[0]), baseline: short(tf.run.failures[0]), target: "none", met: ours.run.failures.length === 0 },
  ];
}

export function twoStackRows(two: TwoStacks, n: number): Row[] {
  const scenario = `2 two stacks N=${n} each`;
  const s = spread(two.a.wallCpsMs, two.b.wallCpsMs);
  return [
    { scenario, figure: "certificates on production (stack a, b)", ours: `${completed(two.a)}, ${completed(two.b)}`, baseline: "-", target: "all", met: two.a.completed === n && two.b.completed === n },
    { scenario, figure: `completion time a, b (CPS; floor of both ${fmt.minutes(two.floor.floorCpsMs)}, ${two.floor.binding})`, ours: `${fmt.minutes(two.a.wallCpsMs)}, ${fmt.minutes(two.b.wallCpsMs)}`, baseline: "-", target: "report", met: null },
    { scenario, figure: "slower / faster stack", ours: fmt.ratio(s), baseline: "-", target: "≤ 1.30", met: atMost(s, 1.3) },
    { scenario, figure: "CPS requests per certificate", ours: fmt.perItem(two.account.requests, 2 * n), baseline: "-", target: "report", met: null },
    { scenario, figure: "429s received (share of requests)", ours: received(two.account), baseline: "-", target: "≤ 1 %", met: two.account.requests > 0 && two.account.rateLimited <= two.account.requests / 100 },
    { scenario, figure: "429s surfaced to the user", ours: String(two.a.surfaced429 + two.b.surfaced429), baseline: "-", target: "0", met: two.a.surfaced429 + two.b.surfaced429 === 0 },
    { scenario, figure: "notice delay median / worst (CPS time)", ours: notice(two.changes), baseline: "-", target: "report", met: null },
    { scenario, figure: "first failure", ours: short(two.a.failures[0] ?? two.b.failures[0]), baseline: "-", target: "none", met: two.a.failures.length + two.b.failures.length === 0 },
  ];
}

/** Scenario 3; the baseline column is the Terraform strategy under the same other tenant. */
export function tenantRows(tenant: StackScenario, alone: StackScenario | undefined, n: number, tf?: StackScenario, tfAlone?: StackScenario): Row[] {
  const scenario = `3 other tenant 40 %, N=${n}`;
  const slowdown = (x: StackScenario | undefined, y: StackScenario | undefined) => (x && y ? ratio(x.run.wallCpsMs, y.run.wallCpsMs) : Number.NaN);
  // Each against its own floor: the floors differ by how much a busy machine stretched the emulator's steps.
  const relative = (x: StackScenario | undefined, y: StackScenario | undefined) => (x && y ? ratio(ratio(x.run.wallCpsMs, x.floor.floorCpsMs), ratio(y.run.wallCpsMs, y.floor.floorCpsMs)) : Number.NaN);
  const perMinute = (x: StackScenario | undefined) => {
    const minutes = x ? (Number.isFinite(x.run.wallCpsMs) ? x.run.wallCpsMs : x.floor.floorCpsMs) / 60_000 : Number.NaN;
    return x && minutes > 0 ? (x.account.otherTenantRequests / minutes).toFixed(1) : "n/a";
  };
  const dash = tf === undefined;
  return [
    { scenario, figure: "certificates on production", ours: completed(tenant.run), baseline: dash ? "-" : completed(tf.run), target: "all", met: tenant.run.completed === n },
    { scenario, figure: `wall / floor (floor ${fmt.minutes(tenant.floor.floorCpsMs)} CPS, ${tenant.floor.binding})`, ours: fmt.ratio(ratio(tenant.run.wallCpsMs, tenant.floor.floorCpsMs)), baseline: dash ? "-" : fmt.ratio(ratio(tf.run.wallCpsMs, tf.floor.floorCpsMs)), target: "report", met: null },
    { scenario, figure: `slowdown against scenario 1 N=${n}: wall ${fmt.minutes(tenant.run.wallCpsMs)} vs ${fmt.minutes(alone?.run.wallCpsMs ?? Number.NaN)}`, ours: fmt.ratio(slowdown(tenant, alone)), baseline: dash ? "-" : fmt.ratio(slowdown(tf, tfAlone)), target: "report", met: null },
    { scenario, figure: `slowdown against scenario 1 N=${n}, each as wall / its floor`, ours: fmt.ratio(relative(tenant, alone)), baseline: dash ? "-" : fmt.ratio(relative(tf, tfAlone)), target: "report", met: null },
    { scenario, figure: "other tenant's requests a minute (CPS time)", ours: perMinute(tenant), baseline: dash ? "-" : perMinute(tf), target: "report", met: null },
    { scenario, figure: "CPS requests per certificate (the stack's own)", ours: fmt.perItem(tenant.account.requests, n), baseline: dash ? "-" : fmt.perItem(tf.account.requests, n), target: "report", met: null },
    { scenario, figure: "429s received (share of requests)", ours: received(tenant.account), baseline: dash ? "-" : received(tf.account), target: "report", met: null },
    { scenario, figure: "429s surfaced to the user", ours: String(tenant.run.surfaced429), baseline: dash ? "-" : String(tf.run.surfaced429), target: "0", met: tenant.run.surfaced429 === 0 },
    { scenario, figure: "first failure", ours: short(tenant.run.failures[0]), baseline: dash ? "-" : short(tf.run.failures[0]), target: "none", met: tenant.run.failures.length === 0 },
  ];
}

export function previewRows(p: PreviewResult): Row[] {
  const scenario = `4 preview N=${p.n}`;
  return [
    { scenario, figure: "time (16 diffs at once, 50 ms latency, real time)", ours: fmt.seconds(p.ms), baseline: "-", target: "report", met: null },
    {
      scenario,
      figure: `CPS requests (${p.contracts} contracts) against the 20/2 s window; baseline: one GET per enrollment, minutes of the account's 35/min`,
      ours: String(p.requests),
      baseline: `${p.n} (${fmt.minutes((p.n / ACCOUNT_MINUTE_LIMIT.requests) * 60_000)})`,
      target: "≤ 20",
      met: p.requests <= 20,
    },
    { scenario, figure: "429s received", ours: String(p.rateLimited), baseline: "-", target: "0", met: p.rateLimited === 0 },
    { scenario, figure: "diffs with no change", ours: `${p.noChange}/${p.n}`, baseline: "-", target: "all", met: p.noChange === p.n },
  ];
}

export function waitsRows(w: ManyWaitsResult): Row[] {
  const scenario = `5 ${w.waits} waits, one process`;
  return [
    { scenario, figure: "peak RSS of the provider process (baseline: same process, no waits)", ours: fmt.mb(w.peakRssMb * 1024 * 1024), baseline: fmt.mb(w.idleRssMb * 1024 * 1024), target: "≤ 150 MB", met: atMost(w.peakRssMb, 150) },
    { scenario, figure: `waits completed (in ${fmt.minutes(w.totalCpsMs)} CPS; still waiting at the deadline: ${w.waits - w.completed - w.failed})`, ours: `${w.completed}/${w.waits}`, baseline: "-", target: "report", met: null },
    { scenario, figure: "CPS requests per wait", ours: fmt.perItem(w.requests, w.waits), baseline: "-", target: "report", met: null },
    { scenario, figure: "429s received (share of requests)", ours: `${w.received429} (${fmt.percent(w.received429, w.requests)})`, baseline: "-", target: "≤ 1 %", met: w.requests > 0 && w.received429 <= w.requests / 100 },
    { scenario, figure: "429s surfaced to the user", ours: String(w.surfaced429), baseline: "-", target: "0", met: w.surfaced429 === 0 },
    { scenario, figure: "first failure", ours: short(w.sampleFailure ?? undefined), baseline: "-", target: "none", met: w.failed === 0 },
  ];
}

