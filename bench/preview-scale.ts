/**
 * Scenario 4: `pulumi preview` of a stack with N existing enrollments, under Akamai's account budget
 * (35/min + 20/2 s per account, real time: a preview is not compressed), emulator latency 50 ms per
 * request. Check + Diff of every Enrollment through a fresh dynamic-provider host, 16 at once (the
 * engine diffs in parallel), sharing one list per contract. One GET per enrollment instead would
 * need N requests: N/35 minutes of the account's whole budget, which the table states.
 */
import { startEmulator } from "../emulator";
import type { PropertyMap } from "../engine/propertyValues";
import { adminClient } from "./admin";
import { providerText, startBenchHost } from "./host";
import { mapLimit, seedEnrollments, type Seeded } from "./seed-enrollments";
import { reusedKeyFactory } from "./reused-key-factory";
import { waitUntilChangesLeave } from "./settle";

export const PREVIEW_CONCURRENCY = 16;
export const PREVIEW_CONTRACTS = ["K-0N7RAK71", "K-BENCH2"];

export interface PreviewResult {
  n: number;
  contracts: number;
  ms: number;
  /** CPS requests of the preview (answered and turned away). */
  requests: number;
  rateLimited: number;
  noChange: number;
}

/** One emulator seeded with max(ns) enrollments; the stack of each preview is the first n of them. */
export async function runPreviewsAtScale(ns: readonly number[]): Promise<PreviewResult[]> {
  // No DV rechecks: N changes rechecking every second is emulator work on the bench's CPU.
  // Seeding is set-up, not the preview: the account budget is off for it, and on for each preview.
  const emu = await startEmulator({ createThrottle: false, standIns: true, keyFactory: reusedKeyFactory(), stepDurations: { "dv-recheck-interval": 10 * 86_400_000 }, rateLimits: { enabled: false } });
  try {
    const seeded = await seedEnrollments(emu, Math.max(...ns), PREVIEW_CONTRACTS, "p-");
    await waitUntilChangesLeave(adminClient(emu.admin), seeded.map((s) => s.changeId), ["generate-csr"]);
    await providerText("Enrollment");
    emu.faults.configure({ latency: { ms: 50, jitterMs: 0 } });
    const config = { "pulumi-akamai-cps:edgerc": emu.edgerc, "pulumi-akamai-cps:section": emu.section, "pulumi-akamai-cps:caCertPath": emu.caCert };

    // Prior state as `pulumi up` left it: the checked inputs plus the outputs the diff reads.
    const host = await startBenchHost({ config });
    let priors: Array<{ checked: PropertyMap; outputs: PropertyMap }>;
    try {
      priors = await mapLimit(seeded, PREVIEW_CONCURRENCY, async (s, i) => {
        const checked = await host.check("Enrollment", `cert-${i}`, s.inputs);
        return { checked, outputs: { ...checked, enrollmentId: s.enrollmentId, pendingChangeId: s.changeId, challengeChangeId: s.changeId } };
      });
    } finally {
      await host.stop();
    }

    const results: PreviewResult[] = [];
    for (const n of ns) {
      const stack: Seeded[] = seeded.slice(0, n);
      // A fresh host, as each `pulumi preview` starts one: nothing cached from the run before.
      const fresh = await startBenchHost({ config });
      try {
        emu.rateLimits.configure({ enabled: true });
        emu.rateLimits.resetReport();
        const started = Date.now();
        const diffs = await mapLimit(stack, PREVIEW_CONCURRENCY, (s, i) => fresh.previewDiff("Enrollment", `cert-${i}`, String(s.enrollmentId), s.inputs, priors[i]!.checked, priors[i]!.outputs));
        const ms = Date.now() - started;
        const report = emu.rateLimits.report();
        results.push({
          n,
          contracts: new Set(stack.map((s) => s.inputs.contractId)).size,
          ms,
          requests: report.reduce((sum, a) => sum + a.requests, 0),
          rateLimited: report.reduce((sum, a) => sum + a.rateLimited, 0),
          noChange: diffs.filter((d) => d.changes === "none").length,
        });
        emu.rateLimits.configure({ enabled: false });
      } finally {
        await fresh.stop();
      }
    }
    return results;
  } finally {
    await emu.stop();
  }
}
