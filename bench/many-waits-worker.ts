/**
 * Scenario 5's provider process: hosts one DvValidation create per enrollment id (argv JSON file),
 * all at once, in this one process, as the dynamic-provider host would during `pulumi up`. Prints one
 * JSON line: outcome counts, the 429s that reached the user, and this process's peak RSS.
 */
import * as fs from "node:fs";
import { z } from "zod";
import { setProgressSink } from "../provider/lifecycle/progress";
import { dvValidationProvider } from "../provider/resources/dv-validation";

/**
 * Peak RSS of this process. Not `process.resourceUsage().maxRSS`: Linux carries ru_maxrss over
 * fork and exec, so a worker spawned by a bench process that has grown to 265 MB reports at least
 * that. VmHWM is the high-water mark of this process's own address space (reset by exec).
 */
function peakRssBytes(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync("/proc/self/status", "utf8"));
    if (kb) return Number(kb[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return Math.max(sampledPeak, process.memoryUsage.rss());
}
let sampledPeak = 0;
setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss())), 500).unref();

const ids = z.array(z.number().int()).parse(JSON.parse(fs.readFileSync(process.argv[2]!, "utf8")));
setProgressSink(() => undefined);

/** CPS ms (this process runs on CPS time) after which the worker reports what completed so far. */
const deadlineCpsMs = Number(process.env.BENCH_WAITS_DEADLINE_CPS_MS ?? String(6 * 3_600_000));

void (async () => {
  const started = Date.now();
  let ok = 0;
  const failures: string[] = [];
  const all = Promise.all(
    ids.map((enrollmentId) =>
      dvValidationProvider.create({ enrollmentId, checkPropagation: false, timeout: "6h" }).then(
        () => void ok++,
        (e: unknown) => void failures.push(e instanceof Error ? e.message : String(e)),
      ),
    ),
  );
  await Promise.race([all, new Promise((resolve) => setTimeout(resolve, deadlineCpsMs).unref())]);
  process.stdout.write(
    JSON.stringify({
      ok,
      failed: failures.length,
      surfaced429: failures.filter((m) => /\b429\b|Too Many Requests|Request Quota|RATE_LIMIT/i.test(m)).length,
      sampleFailure: failures[0]?.split("\n")[0] ?? null,
      elapsedCpsMs: Date.now() - started,
      peakRssBytes: peakRssBytes(),
    }) + "\n",
    // Waits still running at the deadline are abandoned: exit once the line is out.
    () => process.exit(0),
  );
})();
