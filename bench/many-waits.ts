/**
 * Scenario 5: N DvValidations waiting at once in ONE provider process (bench/many-waits-worker)
 * under Akamai's account budget (35/min + 20/2 s per account, enforced by the emulator on its
 * compressed clock) with the client's default share, the worker on the same CPS time (bench/
 * time-warp). The domains pass validation at once; each wait follows its change through
 * check-for-cert (10 CPS minutes). Peak RSS is the point; completion and 429s are reported too.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import { startEmulator, type RunningEmulator } from "../emulator";
import { adminClient, anything } from "./admin";
import { WIDE_AUTH_WINDOW_MS } from "./profile";
import { mapLimit, seedEnrollments } from "./seed-enrollments";
import { reusedKeyFactory } from "./reused-key-factory";
import { waitUntilChangesLeave } from "./settle";

/** How long the waits may take (CPS ms) before the worker reports what completed. */
export const WAITS_DEADLINE_CPS_MS = 180 * 60_000;
const CHECK_FOR_CERT_CPS_MS = 10 * 60_000;

const workerResult = z.object({
  ok: z.number(),
  failed: z.number(),
  surfaced429: z.number(),
  sampleFailure: z.string().nullable(),
  elapsedCpsMs: z.number(),
  peakRssBytes: z.number(),
});

export interface ManyWaitsResult {
  waits: number;
  completed: number;
  failed: number;
  sampleFailure: string | null;
  surfaced429: number;
  received429: number;
  peakRssMb: number;
  /** Peak RSS of the same worker given no waits (runtime and modules only). */
  idleRssMb: number;
  /** CPS requests that reached the account during the waits (answered and turned away). */
  requests: number;
  totalCpsMs: number;
}

export async function runManyWaits(waits: number, timeScale: number): Promise<ManyWaitsResult> {
  const emu = await startEmulator({
    // Seeding N enrollments is set-up: no creation throttle, and the budget is off until the waits start.
    createThrottle: false,
    standIns: true,
    keyFactory: reusedKeyFactory(),
    timeScale,
    rateLimits: { enabled: false },
    authWindowMs: WIDE_AUTH_WINDOW_MS,
    stepDurations: { "generate-csr": 1000, "check-for-cert": CHECK_FOR_CERT_CPS_MS, "dv-recheck-interval": 10 * 86_400_000 },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-bench-"));
  try {
    const admin = adminClient(emu.admin);
    const domains = Array.from({ length: waits }, (_, i) => `w${i}.bench.test`);
    await mapLimit(domains, 16, (d) => admin("POST", `/domains/${d}/validate`, anything, {}));
    const seeded = await seedEnrollments(emu, waits, ["K-0N7RAK71"], "w");
    // Every change past CSR generation and domain validation before the waits start: else the
    // emulator's key generation competes with the worker for the CPU, and CPS and the ack race.
    await waitUntilChangesLeave(admin, seeded.map((s) => s.changeId), ["generate-csr", "coodinate-domain-validation", "coordinate-domain-validation"]);
    const idsFile = path.join(dir, "ids.json");
    fs.writeFileSync(idsFile, JSON.stringify(seeded.map((s) => s.enrollmentId)));
    // The same process with nothing to wait for: what the runtime and the provider's modules cost.
    const noWaitsFile = path.join(dir, "none.json");
    fs.writeFileSync(noWaitsFile, "[]");
    const idle = await runWorker(noWaitsFile, emu, timeScale);
    // Akamai's budget from here on (35/min + 20/2 s per account, on the compressed clock).
    emu.rateLimits.configure({ enabled: true });
    emu.rateLimits.resetReport();
    const r = await runWorker(idsFile, emu, timeScale);
    const report = emu.rateLimits.report();
    const received429 = report.reduce((n, a) => n + a.rateLimited, 0);
    return {
      waits,
      completed: r.ok,
      failed: r.failed,
      sampleFailure: r.sampleFailure,
      surfaced429: r.surfaced429,
      received429,
      peakRssMb: r.peakRssBytes / 1024 / 1024,
      idleRssMb: idle.peakRssBytes / 1024 / 1024,
      requests: report.reduce((n, a) => n + a.requests, 0),
      totalCpsMs: r.elapsedCpsMs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.stop();
  }
}

/** Runs bench/many-waits-worker (on CPS time) over the enrollment ids in `idsFile`. */
async function runWorker(idsFile: string, emu: RunningEmulator, timeScale: number): Promise<z.output<typeof workerResult>> {
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", path.join(__dirname, "time-warp.js"), path.join(__dirname, "many-waits-worker.js"), idsFile], {
      env: {
        ...process.env,
        BENCH_PROVIDER_TIME_SCALE: String(timeScale),
        BENCH_WAITS_DEADLINE_CPS_MS: String(WAITS_DEADLINE_CPS_MS),
        PULUMI_AKAMAI_CPS_EDGERC: emu.edgerc,
        PULUMI_AKAMAI_CPS_SECTION: emu.section,
        PULUMI_AKAMAI_CPS_CA_CERT_PATH: emu.caCert,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    // Bounded even if the worker hangs: its own deadline is CPS time, this one real.
    const kill = setTimeout(() => child.kill("SIGKILL"), WAITS_DEADLINE_CPS_MS / timeScale + 60_000);
    // …and never outlives the bench (an interrupted or failed run).
    const onBenchExit = () => child.kill("SIGKILL");
    process.once("exit", onBenchExit);
    child.once("exit", () => {
      clearTimeout(kill);
      process.removeListener("exit", onBenchExit);
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
  return workerResult.parse(JSON.parse(stdout.trim().split("\n").pop()!));
}
