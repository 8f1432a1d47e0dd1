/**
 * Scenarios 1–3: a stack of N DV certificates (Enrollment → TXT records → DvValidation → Deployment
 * to production) created in one `up`, all N at once as the engine does (Pulumi runs independent
 * resources in parallel), through @pulumi/pulumi's real dynamic-provider host (bench/host) on CPS
 * time. Every figure comes from the emulator: its per-account budget report (requests, 429s) and
 * its per-change transition log (critical path, notice delays).
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../emulator";
import { CpsClient } from "../provider/cps";
import { adminClient, anything, changeTimelineSchema } from "./admin";
import { CREATION_WINDOW_CPS_MS } from "./floor";
import { startBenchHost, type BenchHost } from "./host";
import { CONTRACT, enrollmentInputs, REALISTIC_STEPS, WIDE_AUTH_WINDOW_MS } from "./profile";
import { reusedKeyFactory } from "./reused-key-factory";
import { runTerraformStrategy } from "./terraform-strategy";
import { floorCpsMs, noticeDelays } from "./timeline";

export const ZONE = "bench.test";

type Challenges = Record<string, { recordName: string; value: string }>;

/** One certificate's outcome in one stack. */
export interface CertificateRun {
  name: string;
  changeId?: number;
  /** Real ms (epoch) the Deployment returned. */
  completedRealAt?: number;
  error?: string;
}

export interface StackRun {
  label: string;
  certificates: number;
  completed: number;
  /** First line of each failure, in certificate order. */
  failures: string[];
  /** Failures that are a 429 reaching the user. */
  surfaced429: number;
  /** From the stack's start to its last certificate on production, CPS ms (NaN unless all completed). */
  wallCpsMs: number;
  runs: CertificateRun[];
}

export interface AccountFigures {
  /** CPS requests that reached the account (answered and turned away; the other tenant's not included). */
  requests: number;
  rateLimited: number;
  otherTenantRequests: number;
}

export interface ChangeFigures {
  /** Longest and shortest timed-step path of a completed change, CPS ms. */
  criticalPathCpsMs: number;
  shortestPathCpsMs: number;
  noticeDelaysCpsMs: number[];
  unobserved: number;
}

export const SURFACED_429 = /\b429\b|Too Many Requests|Request Quota|RATE_LIMIT/i;

export async function startStackEmulator(timeScale: number, extra: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  // Defaults kept on purpose: the account budget (35/min + 20/2 s per account) and the creation
  // throttle (one per 5 min) are enforced, both on the emulator's compressed clock.
  // One key pair per algorithm (a real CSR per change): key generation is CPS's machines' work, and
  // on the bench's 2 cores it would stretch CPS time by the scale.
  const emu = await startEmulator({ timeScale, stepDurations: REALISTIC_STEPS, authWindowMs: WIDE_AUTH_WINDOW_MS, keyFactory: reusedKeyFactory(), ...extra });
  try {
    await adminClient(emu.admin)("POST", "/dns/zones", anything, { zone: ZONE });
    return emu;
  } catch (e) {
    await emu.stop();
    throw e;
  }
}

export function certificateInputs(label: string, i: number) {
  // One name per certificate (one TXT record), a timeout no queue of 50 creations reaches.
  return { ...enrollmentInputs(ZONE, CONTRACT, `${label}-c${i}.${ZONE}`, []), timeout: "12h" };
}

export async function startStackHost(emu: RunningEmulator, timeScale: number, extraConfig: Record<string, string> = {}): Promise<BenchHost> {
  const host = await startBenchHost({
    config: {
      "pulumi-akamai-cps:edgerc": emu.edgerc,
      "pulumi-akamai-cps:section": emu.section,
      "pulumi-akamai-cps:caCertPath": emu.caCert,
      ...(emu.dns ? { "pulumi-akamai-cps:dnsResolvers": emu.dns } : {}),
      ...extraConfig,
    },
    providerTimeScale: timeScale,
  });
  try {
    // Load every provider module before timing: module loading is real CPU time, stretched by the scale in CPS time.
    await host.check("Enrollment", "warm", certificateInputs("warm", 0));
    await host.check("EdgeDnsTxtRecord", "warm", { zone: ZONE, name: `_acme-challenge.${ZONE}`, values: ["x"], ttl: 60 });
    await host.check("DvValidation", "warm", { enrollmentId: 1 });
    await host.check("Deployment", "warm", { enrollmentId: 1, network: "production" });
    return host;
  } catch (e) {
    await host.stop();
    throw e;
  }
}

async function certificate(host: BenchHost, label: string, i: number): Promise<CertificateRun> {
  const name = `${label}-c${i}`;
  let changeId: number | undefined;
  try {
    const cert = await host.create("Enrollment", name, certificateInputs(label, i));
    changeId = Number(cert.outputs.pendingChangeId);
    const enrollmentId = Number(cert.outputs.enrollmentId);
    const challenges = cert.outputs.dnsChallenges as Challenges;
    await Promise.all(
      Object.entries(challenges).map(([domain, c]) => host.create("EdgeDnsTxtRecord", `${name}-acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 })),
    );
    await host.create("DvValidation", name, { enrollmentId, timeout: "12h" });
    await host.create("Deployment", `${name}-prod`, { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "12h" });
    return { name, changeId, completedRealAt: Date.now() };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    return { name, ...(changeId !== undefined ? { changeId } : {}), error: message };
  }
}

/**
 * `up` of N certificates on a started host; `deadlineRealMs` bounds it (the host is stopped then,
 * which fails what is still running).
 */
export async function upStack(host: BenchHost, label: string, n: number, timeScale: number, deadlineRealMs: number, startedRealAt = Date.now()): Promise<StackRun> {
  const settled: Array<CertificateRun | undefined> = new Array<CertificateRun | undefined>(n);
  const pending = Promise.all(Array.from({ length: n }, (_, i) => certificate(host, label, i).then((r) => (settled[i] = r))));
  const expiredAfter = Math.max(0, startedRealAt + deadlineRealMs - Date.now());
  const expired = (await raceTimeout(pending, expiredAfter)) === "timeout";
  if (expired) {
    // Stopping the host fails its calls; give them a few seconds to say so, then stop waiting.
    await host.stop();
    await raceTimeout(pending, 10_000);
  }
  const runs = Array.from({ length: n }, (_, i): CertificateRun => {
    const r = settled[i];
    const name = `${label}-c${i}`;
    if (r === undefined) return { name, error: `not finished within the bench's deadline (${Math.round(deadlineRealMs / 1000)} s real)` };
    return expired && r.error !== undefined ? { ...r, error: `not finished within the bench's deadline: ${r.error}` } : r;
  });
  const failures = runs.filter((r) => r.error !== undefined).map((r) => `${r.name}: ${r.error}`);
  const done = runs.filter((r) => r.completedRealAt !== undefined);
  return {
    label,
    certificates: n,
    completed: done.length,
    failures,
    surfaced429: runs.filter((r) => r.error !== undefined && SURFACED_429.test(r.error)).length,
    wallCpsMs: done.length === n ? (Math.max(...done.map((r) => r.completedRealAt!)) - startedRealAt) * timeScale : Number.NaN,
    runs,
  };
}

/** "timeout" when `ms` passes first; the timer never keeps the process alive. */
export async function raceTimeout<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
    timer.unref();
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function accountFigures(emu: RunningEmulator): AccountFigures {
  const report = emu.rateLimits.report();
  return {
    requests: report.reduce((s, a) => s + a.requests, 0),
    rateLimited: report.reduce((s, a) => s + a.rateLimited, 0),
    otherTenantRequests: report.reduce((s, a) => s + a.otherTenantRequests, 0),
  };
}

/** Critical path (longest timed path of a completed change) and notice delays of every change the runs created. */
export async function changeFigures(emu: RunningEmulator, runs: readonly CertificateRun[]): Promise<ChangeFigures> {
  const admin = adminClient(emu.admin);
  const timeScale = emu.clock.timeScale;
  let criticalPathCpsMs = 0;
  let shortestPathCpsMs = Number.POSITIVE_INFINITY;
  const noticeDelaysCpsMs: number[] = [];
  let unobserved = 0;
  for (const run of runs) {
    if (run.changeId === undefined || !Number.isInteger(run.changeId)) continue;
    const { timeline } = await admin("GET", `/changes/${run.changeId}`, changeTimelineSchema);
    if (run.completedRealAt !== undefined) {
      const path = floorCpsMs(timeline);
      criticalPathCpsMs = Math.max(criticalPathCpsMs, path);
      shortestPathCpsMs = Math.min(shortestPathCpsMs, path);
    }
    const notice = noticeDelays(timeline, { timeScale, ...(run.completedRealAt !== undefined ? { completedRealAt: run.completedRealAt } : {}) });
    noticeDelaysCpsMs.push(...notice.delaysCpsMs);
    unobserved += notice.unobserved;
  }
  if (criticalPathCpsMs === 0) criticalPathCpsMs = shortestPathCpsMs = PROFILE_CRITICAL_PATH_CPS_MS;
  return { criticalPathCpsMs, shortestPathCpsMs, noticeDelaysCpsMs, unobserved };
}

/** The profile's timed steps of one certificate, for a run in which none completed. */
export const PROFILE_CRITICAL_PATH_CPS_MS =
  (REALISTIC_STEPS["generate-csr"] ?? 0) + (REALISTIC_STEPS["check-for-cert"] ?? 0) + (REALISTIC_STEPS["deploy-cert-to-staging"] ?? 0) + (REALISTIC_STEPS["deploy-cert-to-production"] ?? 0);

/**
 * The Terraform strategy (bench/terraform-strategy) for N certificates at once, on one client as
 * one `terraform apply` would share it, against the same emulator budget. Terraform's client has
 * no account scheduler and waits out no 429: no client-side budget and no time to wait for one.
 */
export async function terraformStack(emu: RunningEmulator, label: string, n: number, timeScale: number, deadlineRealMs: number): Promise<StackRun> {
  const client = CpsClient.create({
    edgercPath: emu.edgerc,
    section: emu.section,
    caCertPem: emu.caCertPem,
    retry: { maxAttempts: 1 },
    rateLimit: { requests: 1_000_000, perMs: 1000 },
    // The bench process is on real time: CPS's five-minute window, compressed.
    creationWindowMs: CREATION_WINDOW_CPS_MS / timeScale,
  });
  const startedRealAt = Date.now();
  const settled: Array<CertificateRun | undefined> = new Array<CertificateRun | undefined>(n);
  const phases: string[] = Array.from({ length: n }, () => "not started");
  try {
    const pending = Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const name = `${label}-c${i}`;
        try {
          const onPhase = (p: string) => void (phases[i] = p);
          const r = await runTerraformStrategy({ client, scale: timeScale, zone: ZONE, inputs: certificateInputs(label, i), onPhase });
          settled[i] = { name, changeId: r.changeId, completedRealAt: Date.now() };
        } catch (e) {
          const changeId = (e as { changeId?: unknown }).changeId;
          settled[i] = { name, ...(typeof changeId === "number" ? { changeId } : {}), error: (e instanceof Error ? e.message : String(e)).split("\n")[0]! };
        }
      }),
    );
    await raceTimeout(pending, deadlineRealMs);
  } finally {
    client.close();
  }
  const runs = Array.from({ length: n }, (_, i): CertificateRun => settled[i] ?? { name: `${label}-c${i}`, error: `not finished within the bench's deadline (${Math.round(deadlineRealMs / 1000)} s real): ${phases[i]}` });
  const done = runs.filter((r) => r.completedRealAt !== undefined);
  return {
    label,
    certificates: n,
    completed: done.length,
    failures: runs.filter((r) => r.error !== undefined).map((r) => `${r.name}: ${r.error}`),
    surfaced429: runs.filter((r) => r.error !== undefined && SURFACED_429.test(r.error)).length,
    wallCpsMs: done.length === n ? (Math.max(...done.map((r) => r.completedRealAt!)) - startedRealAt) * timeScale : Number.NaN,
    runs,
  };
}
