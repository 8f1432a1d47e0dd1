/**
 * `npm run bench`: the four scenarios of issue 8, each against its baseline measured in the same
 * run, printed as a table with every target marked met/missed and written to
 * bench/results/latest.json. Only ratios and counts are judged, never absolute times.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runDvFlow } from "./dv-flow";
import { runManyWaits, WAITS_SCALE } from "./many-waits";
import { PREVIEW_CONCURRENCY, runPreviewAtScale } from "./preview-scale";
import { REALISTIC_STEPS, TIME_SCALE } from "./profile";

interface Row {
  scenario: string;
  figure: string;
  ours: string;
  baseline: string;
  target: string;
  met: boolean | null;
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const FAULTS = { seed: 7, errors: { percent: 10, status: 503 as const }, throttles: { percent: 5 }, resets: { percent: 2 } };

async function main(): Promise<void> {
  const started = Date.now();
  const rows: Row[] = [];
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

  log(`1. full DV flow, realistic profile, time scale ${TIME_SCALE} (ours, then the Terraform strategy)`);
  const ours = await runDvFlow("ours");
  const tf = await runDvFlow("terraform");
  rows.push(
    { scenario: "1 DV flow", figure: "wall / CPS floor", ours: ours.overhead.toFixed(3), baseline: tf.overhead.toFixed(3), target: "≤ 1.05", met: ours.completed && ours.overhead <= 1.05 },
    { scenario: "1 DV flow", figure: "median notice delay (CPS time)", ours: s(ours.medianNoticeCpsMs), baseline: s(tf.medianNoticeCpsMs), target: "≤ 1 s", met: ours.medianNoticeCpsMs <= 1000 },
    { scenario: "1 DV flow", figure: "worst notice delay (CPS time)", ours: s(ours.worstNoticeCpsMs), baseline: s(tf.worstNoticeCpsMs), target: "report", met: null },
    { scenario: "1 DV flow", figure: "API calls", ours: String(ours.apiCalls), baseline: String(tf.apiCalls), target: "≤ ½ baseline", met: ours.apiCalls <= tf.apiCalls / 2 },
    { scenario: "1 DV flow", figure: "429s received from the account budget (35/min + 20/2 s)", ours: String(ours.budgetRateLimited), baseline: String(tf.budgetRateLimited), target: "≤ 1 % of calls", met: ours.budgetRateLimited <= ours.apiCalls / 100 },
  );

  log("2. preview at scale, 50 ms latency per request");
  const previews = [];
  for (const n of [50, 200, 500]) {
    const p = await runPreviewAtScale(n);
    previews.push(p);
    rows.push(
      { scenario: `2 preview N=${n}`, figure: `time (${PREVIEW_CONCURRENCY} diffs at once)`, ours: s(p.oursMs), baseline: s(p.naiveMs), target: n === 500 ? "≤ 2 s" : "report", met: n === 500 ? p.oursMs <= 2000 : null },
      { scenario: `2 preview N=${n}`, figure: `API calls (${p.contracts} contracts)`, ours: String(p.oursCalls), baseline: String(p.naiveCalls), target: "O(contracts)", met: p.oursCalls <= p.contracts },
      { scenario: `2 preview N=${n}`, figure: "under the account budget: 429s (ours) / minutes the naive GETs need at 35/min", ours: String(p.oursRateLimited), baseline: `${(p.naiveCalls / 35).toFixed(1)} min`, target: "0, ≤ 20 calls", met: p.oursRateLimited === 0 && p.oursCalls <= 20 },
    );
  }

  log(`3. 1,000 concurrent DvValidations in one process, 429 beyond 20 req/2 s per client, account budget off (compressed ${WAITS_SCALE}×)`);
  const waits = await runManyWaits(1000);
  rows.push(
    { scenario: "3 1,000 waits", figure: "peak RSS of the provider process (baseline: same process, no waits)", ours: `${waits.peakRssMb.toFixed(0)} MB`, baseline: `${waits.idleRssMb.toFixed(0)} MB`, target: "≤ 150 MB", met: waits.peakRssMb <= 150 },
    { scenario: "3 1,000 waits", figure: `429s surfaced (received: ${waits.received429})`, ours: String(waits.surfaced429), baseline: "-", target: "0", met: waits.surfaced429 === 0 },
    { scenario: "3 1,000 waits", figure: `time / rate-limit floor (${waits.callsAnswered} calls)`, ours: waits.ratio.toFixed(2), baseline: "-", target: "≤ 1.2", met: waits.ratio <= 1.2 },
    { scenario: "3 1,000 waits", figure: "waits completed", ours: `${waits.completed}/${waits.waits}`, baseline: "-", target: "all", met: waits.completed === waits.waits },
  );

  log("4. DV flow under 10% 5xx, 5% 429, 2% resets (ours, then the Terraform strategy)");
  const faulty = await runDvFlow("ours", FAULTS);
  const faultyTf = await runDvFlow("terraform", FAULTS);
  rows.push(
    { scenario: "4 under faults", figure: "completes", ours: faulty.completed ? "yes" : `no: ${faulty.error}`, baseline: faultyTf.completed ? "yes" : `no: ${faultyTf.error}`, target: "completes", met: faulty.completed },
    { scenario: "4 under faults", figure: "API calls (extra vs scenario 1)", ours: `${faulty.apiCalls} (+${faulty.apiCalls - ours.apiCalls})`, baseline: `${faultyTf.apiCalls} (+${faultyTf.apiCalls - tf.apiCalls})`, target: "report", met: null },
    { scenario: "4 under faults", figure: "faults injected (5xx/429/reset)", ours: `${faulty.injected.errors}/${faulty.injected.rateLimited}/${faulty.injected.resets}`, baseline: `${faultyTf.injected.errors}/${faultyTf.injected.rateLimited}/${faultyTf.injected.resets}`, target: "report", met: null },
    { scenario: "4 under faults", figure: "wall / CPS floor", ours: faulty.overhead.toFixed(3), baseline: faultyTf.overhead.toFixed(3), target: "report", met: null },
  );

  const table = formatTable(rows);
  process.stdout.write(table + "\n");
  const totalMs = Date.now() - started;
  process.stdout.write(`bench finished in ${s(totalMs)}\n`);
  const out = path.resolve(__dirname, "..", "..", "bench", "results", "latest.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, timeScale: TIME_SCALE, realisticSteps: REALISTIC_STEPS, benchSeconds: Math.round(totalMs / 1000), rows, details: { dvFlow: { ours, terraform: tf }, preview: previews, manyWaits: waits, faults: { ours: faulty, terraform: faultyTf } } }, null, 2) + "\n",
  );
}

function formatTable(rows: Row[]): string {
  const header = ["scenario", "figure", "ours", "baseline", "target", "met"];
  const cells = rows.map((r) => [r.scenario, r.figure, r.ours, r.baseline, r.target, r.met === null ? "-" : r.met ? "met" : "MISSED"]);
  const lines = [header, ...cells].map((c) => `| ${c.join(" | ")} |`);
  lines.splice(1, 0, `|${header.map(() => "---").join("|")}|`);
  return lines.join("\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
