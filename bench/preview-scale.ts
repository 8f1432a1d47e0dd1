/**
 * Scenario 2: `pulumi preview` of a stack with N existing enrollments, emulator latency 50 ms per
 * request. Ours: Check + Diff of every Enrollment through a fresh dynamic-provider host, 16 at once
 * (the engine diffs in parallel), sharing one list per contract. Baseline: one GET per enrollment,
 * 16 at once, under the documented client-side limit (20 requests per 2 s).
 */
import { startEmulator } from "../emulator";
import { CpsClient } from "../provider/cps";
import { adminClient } from "./admin";
import { providerText, startBenchHost } from "./host";
import { mapLimit, seedEnrollments } from "./seed-enrollments";
import { reusedKeyFactory } from "./reused-key-factory";
import { waitUntilChangesLeave } from "./settle";

export const PREVIEW_CONCURRENCY = 16;
export const PREVIEW_CONTRACTS = ["K-0N7RAK71", "K-BENCH2"];

export interface PreviewResult {
  n: number;
  contracts: number;
  oursMs: number;
  oursCalls: number;
  oursNoChange: number;
  naiveMs: number;
  naiveCalls: number;
  /** 429s the account budget answered during our preview. */
  oursRateLimited: number;
}

export async function runPreviewAtScale(n: number): Promise<PreviewResult> {
  // No DV rechecks: N changes rechecking every second is emulator work on the bench's CPU.
  // Seeding N enrollments is set-up, not the preview: the account budget is off for it, and on
  // (Akamai's 35/min + 20/2 s) for the timed preview, which must fit in the short window.
  const emu = await startEmulator({ createThrottle: false, standIns: true, keyFactory: reusedKeyFactory(), stepDurations: { "dv-recheck-interval": 10 * 86_400_000 }, rateLimits: { enabled: false } });
  try {
    const seeded = await seedEnrollments(emu, n, PREVIEW_CONTRACTS, `p${n}-`);
    await waitUntilChangesLeave(adminClient(emu.admin), seeded.map((s) => s.changeId), ["generate-csr"]);
    await providerText("Enrollment");
    emu.faults.configure({ latency: { ms: 50, jitterMs: 0 } });

    const host = await startBenchHost({ config: { "pulumi-akamai-cps:edgerc": emu.edgerc, "pulumi-akamai-cps:section": emu.section, "pulumi-akamai-cps:caCertPath": emu.caCert } });
    let oursMs: number;
    let oursCalls: number;
    let oursNoChange = 0;
    let oursRateLimited = 0;
    try {
      // Prior state as `pulumi up` left it: the checked inputs plus the outputs the diff reads.
      const priors = await mapLimit(seeded, PREVIEW_CONCURRENCY, async (s, i) => {
        const checked = await host.check("Enrollment", `cert-${i}`, s.inputs);
        return { checked, outputs: { ...checked, enrollmentId: s.enrollmentId, pendingChangeId: s.changeId, challengeChangeId: s.changeId } };
      });
      await host.stop();
      // A fresh host, as each `pulumi preview` starts one: nothing cached from the run above.
      const fresh = await startBenchHost({ config: { "pulumi-akamai-cps:edgerc": emu.edgerc, "pulumi-akamai-cps:section": emu.section, "pulumi-akamai-cps:caCertPath": emu.caCert } });
      try {
        emu.rateLimits.configure({ enabled: true });
        emu.rateLimits.resetReport();
        const before = emu.stats().requests;
        const started = Date.now();
        const diffs = await mapLimit(seeded, PREVIEW_CONCURRENCY, (s, i) =>
          fresh.previewDiff("Enrollment", `cert-${i}`, String(s.enrollmentId), s.inputs, priors[i]!.checked, priors[i]!.outputs),
        );
        oursMs = Date.now() - started;
        oursCalls = emu.stats().requests - before;
        oursNoChange = diffs.filter((d) => d.changes === "none").length;
        oursRateLimited = emu.rateLimits.report().reduce((n, a) => n + a.rateLimited, 0);
        emu.rateLimits.configure({ enabled: false });
      } finally {
        await fresh.stop();
      }
    } finally {
      await host.stop();
    }

    // The naive baseline (one GET per enrollment) is measured without the budget: under it, N GETs
    // take N/35 minutes, which the table reports instead of waiting for it.
    const client = CpsClient.create({ edgercPath: emu.edgerc, section: emu.section, caCertPem: emu.caCertPem, rateLimit: { requests: 20, perMs: 2000 } });
    try {
      const before = emu.stats().requests;
      const started = Date.now();
      await mapLimit(seeded, PREVIEW_CONCURRENCY, (s) => client.getEnrollment(s.enrollmentId));
      const naiveMs = Date.now() - started;
      return { n, contracts: PREVIEW_CONTRACTS.length, oursMs, oursCalls, oursNoChange, oursRateLimited, naiveMs, naiveCalls: emu.stats().requests - before };
    } finally {
      client.close();
    }
  } finally {
    await emu.stop();
  }
}
