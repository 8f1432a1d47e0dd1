/**
 * Scenarios 1 and 4: one DV certificate from Enrollment to production, through the real
 * dynamic-provider host (ours) or the Terraform strategy (baseline), against a fresh emulator on the
 * realistic profile. Every figure comes from the emulator: its transition log gives the floor and,
 * with the log of status reads, the delay between each CPS transition and the client noticing it.
 */
import { startEmulator, type RunningEmulator } from "../emulator";
import type { FaultPatch } from "../emulator/faults/fault-injector";
import { CpsClient, deadlineIn, withRequestContext } from "../provider/cps";
import { adminClient, anything, changeTimelineSchema } from "./admin";
import { startBenchHost } from "./host";
import { CONTRACT, enrollmentInputs, REALISTIC_STEPS, TIME_SCALE, WIDE_AUTH_WINDOW_MS } from "./profile";
import { runTerraformStrategy } from "./terraform-strategy";
import { floorCpsMs, median, noticeDelays } from "./timeline";

const ZONE = "bench.test";

export interface FlowResult {
  strategy: "ours" | "terraform";
  completed: boolean;
  error?: string;
  wallCpsMs: number;
  floorCpsMs: number;
  overhead: number;
  noticeDelaysCpsMs: number[];
  medianNoticeCpsMs: number;
  worstNoticeCpsMs: number;
  unobservedTransitions: number;
  /** Every request that reached the emulator (CPS and Edge DNS), faulted ones included. */
  apiCalls: number;
  byOperation: Record<string, number>;
  injected: { errors: number; rateLimited: number; resets: number };
  /** 429s of the emulator's account budget (Akamai's 35/min + 20/2 s, on by default). */
  budgetRateLimited: number;
}

type Challenges = Record<string, { recordName: string; value: string }>;

async function withEmulator<T>(faults: FaultPatch | undefined, fn: (emu: RunningEmulator) => Promise<T>): Promise<T> {
  const emu = await startEmulator({ createThrottle: false, timeScale: TIME_SCALE, stepDurations: REALISTIC_STEPS, authWindowMs: WIDE_AUTH_WINDOW_MS });
  try {
    await adminClient(emu.admin)("POST", "/dns/zones", anything, { zone: ZONE });
    if (faults) emu.faults.configure(faults);
    return await fn(emu);
  } finally {
    await emu.stop();
  }
}

async function ours(emu: RunningEmulator): Promise<{ changeId: number; wallMs: number }> {
  const host = await startBenchHost({
    config: {
      "pulumi-akamai-cps:edgerc": emu.edgerc,
      "pulumi-akamai-cps:section": emu.section,
      "pulumi-akamai-cps:caCertPath": emu.caCert,
      ...(emu.dns ? { "pulumi-akamai-cps:dnsResolvers": emu.dns } : {}),
    },
    providerTimeScale: TIME_SCALE,
  });
  let changeId: number | undefined;
  try {
    const inputs = enrollmentInputs(ZONE);
    // Load every provider module before timing: module loading is real CPU time, 60× longer in CPS time.
    await host.check("Enrollment", "warm", inputs);
    await host.check("EdgeDnsTxtRecord", "warm", { zone: ZONE, name: `_acme-challenge.${ZONE}`, values: ["x"], ttl: 60 });
    await host.check("DvValidation", "warm", { enrollmentId: 1 });
    await host.check("Deployment", "warm", { enrollmentId: 1, network: "production" });
    const started = Date.now();
    const cert = await host.create("Enrollment", "www", inputs);
    changeId = Number(cert.outputs.pendingChangeId);
    const enrollmentId = Number(cert.outputs.enrollmentId);
    const challenges = cert.outputs.dnsChallenges as Challenges;
    await Promise.all(
      Object.entries(challenges).map(([domain, c]) =>
        host.create("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 }),
      ),
    );
    await host.create("DvValidation", "www", { enrollmentId, timeout: "2h" });
    await host.create("Deployment", "www-prod", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2h" });
    return { changeId, wallMs: Date.now() - started };
  } catch (e) {
    throw Object.assign(e instanceof Error ? e : new Error(String(e)), { changeId, output: host.output.slice(-20) });
  } finally {
    await host.stop();
  }
}

async function terraform(emu: RunningEmulator): Promise<{ changeId: number; wallMs: number }> {
  // Terraform's client has no account scheduler and waits out no 429: no client-side budget, and no
  // time to wait for one (a 429 surfaces at once; the strategy retries GETs only).
  const client = CpsClient.create({ edgercPath: emu.edgerc, section: emu.section, caCertPem: emu.caCertPem, retry: { maxAttempts: 1 }, rateLimit: { requests: 1_000_000, perMs: 1000 } });
  try {
    return await withRequestContext({ deadline: deadlineIn(0) }, () => runTerraformStrategy({ client, scale: TIME_SCALE, zone: ZONE, inputs: enrollmentInputs(ZONE) }));
  } finally {
    client.close();
  }
}

export async function runDvFlow(strategy: "ours" | "terraform", faults?: FaultPatch): Promise<FlowResult> {
  return withEmulator(faults, async (emu) => {
    const before = emu.stats().requests;
    let outcome: { changeId?: number; wallMs?: number; error?: string };
    try {
      outcome = await (strategy === "ours" ? ours(emu) : terraform(emu));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      outcome = { error: msg.split("\n").slice(0, 3).join(" | ") };
    }
    const stats = emu.stats();
    const counters = emu.faults.counters;
    const admin = adminClient(emu.admin);
    const changeId = outcome.changeId ?? (await admin("GET", "/state", anything).then(() => undefined));
    const timeline = changeId !== undefined ? (await admin("GET", `/changes/${changeId}`, changeTimelineSchema)).timeline : { transitions: [], reads: [] };
    const notice = noticeDelays(timeline);
    const floor = floorCpsMs(timeline);
    const wallCpsMs = (outcome.wallMs ?? Number.NaN) * TIME_SCALE;
    return {
      strategy,
      completed: outcome.error === undefined,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      wallCpsMs,
      floorCpsMs: floor,
      overhead: wallCpsMs / floor,
      noticeDelaysCpsMs: notice.delaysCpsMs,
      medianNoticeCpsMs: median(notice.delaysCpsMs),
      worstNoticeCpsMs: Math.max(...notice.delaysCpsMs),
      unobservedTransitions: notice.unobserved,
      apiCalls: stats.requests - before,
      byOperation: { ...stats.byOperation },
      injected: { errors: counters.errors, rateLimited: counters.rateLimited, resets: counters.resets },
      budgetRateLimited: emu.rateLimits.report().reduce((n, a) => n + a.rateLimited, 0),
    };
  });
}

export const DV_FLOW_CONTRACT = CONTRACT;
