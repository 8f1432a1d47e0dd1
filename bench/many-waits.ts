/**
 * Scenario 3: 1,000 DvValidations waiting at once in ONE provider process (bench/many-waits-worker)
 * under the documented limit, 20 requests per 2 s, enforced by the emulator (429 beyond it). The run
 * is compressed 10× (emulator clock, emulator limit 20 per 200 ms real, worker on CPS time through
 * bench/time-warp) so 1,000 waits fit in about a minute; ratios are unchanged by the compression.
 * The domains pass validation at once; each wait follows its change through check-for-cert.
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

export const WAITS_SCALE = 10;
const LIMIT = { requests: 20, perMs: 2000 };

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
  /** Requests the emulator answered (not 429): what the waits needed. */
  callsAnswered: number;
  totalCpsMs: number;
  floorCpsMs: number;
  ratio: number;
}

export async function runManyWaits(waits: number): Promise<ManyWaitsResult> {
  const emu = await startEmulator({
    createThrottle: false,
    standIns: true,
    keyFactory: reusedKeyFactory(),
    timeScale: WAITS_SCALE,
    // 1,000 waits do not fit the account's 35 a minute in a 10-minute bench: this scenario measures
    // memory and the client's 20/2 s scheduling only, with the account budget off (see README).
    rateLimits: { enabled: false },
    authWindowMs: WIDE_AUTH_WINDOW_MS,
    stepDurations: { "generate-csr": 1000, "check-for-cert": 600_000, "dv-recheck-interval": 10 * 86_400_000 },
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
    const idle = await runWorker(noWaitsFile, emu);
    emu.faults.configure({ rateLimit: { enabled: true, requests: LIMIT.requests, perMs: LIMIT.perMs / WAITS_SCALE } });
    const before = emu.stats().requests;
    const limitedBefore = emu.faults.counters.rateLimited;
    const r = await runWorker(idsFile, emu);
    const received429 = emu.faults.counters.rateLimited - limitedBefore;
    const callsAnswered = emu.stats().requests - before - received429;
    const floorCpsMs = (callsAnswered / LIMIT.requests) * LIMIT.perMs;
    return {
      waits,
      completed: r.ok,
      failed: r.failed,
      sampleFailure: r.sampleFailure,
      surfaced429: r.surfaced429,
      received429,
      peakRssMb: r.peakRssBytes / 1024 / 1024,
      idleRssMb: idle.peakRssBytes / 1024 / 1024,
      callsAnswered,
      totalCpsMs: r.elapsedCpsMs,
      floorCpsMs,
      ratio: r.elapsedCpsMs / floorCpsMs,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await emu.stop();
  }
}

/** Runs bench/many-waits-worker (on CPS time) over the enrollment ids in `idsFile`. */
async function runWorker(idsFile: string, emu: RunningEmulator): Promise<z.output<typeof workerResult>> {
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", path.join(__dirname, "time-warp.js"), path.join(__dirname, "many-waits-worker.js"), idsFile], {
      env: {
        ...process.env,
        BENCH_PROVIDER_TIME_SCALE: String(WAITS_SCALE),
        // The 20/2 s window alone binds (a minute budget of 600 = 20/2 s for a whole minute).
        PULUMI_AKAMAI_CPS_REQUESTS_PER_MINUTE: "1200",
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
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
  });
  return workerResult.parse(JSON.parse(stdout.trim().split("\n").pop()!));
}
