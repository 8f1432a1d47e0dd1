/**
 * After creating or updating an enrollment: follow its change until the user has something to act
 * on — DV challenges issued, a third-party CSR ready — or until it needs no action (OV/EV, done).
 * Pre-verification warnings met on the way are acknowledged per policy.
 */
import { CpsApi, ChangeStatus } from "../cps";
import { failedChange } from "./failed-change";
import { handleWarnings } from "./acknowledgements";
import { extractChallenges, ExtractedChallenges } from "./challenges";
import { waitUntil, PollTiming } from "./poll";
import { readChange } from "./contract-watch";
import type { Progress } from "./progress";
import { describeChange, findInput, INPUT, isCancelled, isComplete, isDvCoordination, isPastIssuance } from "./statuses";
import type { WarningPolicy } from "./warnings";

export interface ActionableChange {
  change: ChangeStatus;
  /** DV: challenges keyed by domain (when CPS offered them). */
  challenges?: ExtractedChallenges;
  /** Third-party: CSRs by key algorithm. */
  csrs?: Array<{ keyAlgorithm: string; csr: string }>;
}

export interface FollowChangeOptions extends PollTiming {
  client: CpsApi;
  enrollmentId: number;
  changeId: number;
  preVerificationWarnings: WarningPolicy;
  timeoutMs: number;
  progress?: Progress;
  sleep?: (ms: number) => Promise<void>;
}

export function throwIfFailed(enrollmentId: number, changeId: number, change: ChangeStatus): void {
  const failed = failedChange(enrollmentId, changeId, change);
  if (failed) throw failed;
  if (isCancelled(change)) {
    throw new Error(`Change ${changeId} of enrollment ${enrollmentId} was cancelled (status ${describeChange(change)}). Run \`pulumi up\` again to start a new change.`);
  }
}

export async function waitForActionableChange(o: FollowChangeOptions): Promise<ActionableChange> {
  return waitUntil<ActionableChange>(
    async () => {
      const change = await readChange(o.client, { enrollmentId: o.enrollmentId, changeId: o.changeId });
      throwIfFailed(o.enrollmentId, o.changeId, change);
      const state = describeChange(change);
      const pre = findInput(change, INPUT.preVerificationWarnings);
      if (pre) {
        await handleWarnings("pre-verification", {
          client: o.client,
          enrollmentId: o.enrollmentId,
          changeId: o.changeId,
          input: pre,
          policy: o.preVerificationWarnings,
          policyInput: "preVerificationWarnings",
          ...(o.progress ? { progress: o.progress } : {}),
        });
        return { state: `${state}, warnings acknowledged` };
      }
      const dv = findInput(change, INPUT.dvChallenges);
      if (dv && isDvCoordination(change.statusInfo.status)) {
        const challenges = extractChallenges(await o.client.getDvChallenges(dv));
        const count = Object.keys(challenges.domainStatus).length;
        if (count === 0) return { state, detail: "waiting for CPS to issue the challenges" };
        return { done: { change, challenges }, state };
      }
      const tp = findInput(change, INPUT.thirdPartyCertificate);
      if (tp) {
        const csrs = await o.client.getThirdPartyCsrs(tp);
        if (csrs.length === 0) return { state, detail: "waiting for CPS to generate the CSR" };
        return { done: { change, csrs }, state };
      }
      if (isComplete(change) || isPastIssuance(change) || change.allowedInput.some((i) => i.requiredToProceed)) {
        return { done: { change }, state };
      }
      return { state };
    },
    {
      what: `enrollment ${o.enrollmentId} change ${o.changeId}`,
      timeoutMs: o.timeoutMs,
      ...(o.progress ? { progress: o.progress } : {}),
      ...(o.sleep ? { sleep: o.sleep } : {}),
      ...(o.minIntervalMs ? { minIntervalMs: o.minIntervalMs } : {}),
      ...(o.maxIntervalMs ? { maxIntervalMs: o.maxIntervalMs } : {}),
    },
  );
}
