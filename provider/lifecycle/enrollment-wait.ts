/**
 * After creating or updating an enrollment: follow its change until the user has something to act
 * on — DV challenges issued, a third-party CSR ready — or until it needs no action (OV/EV, done).
 * Pre-verification warnings met on the way are acknowledged per policy.
 */
import type { ChangeStatus, CpsApi } from "../cps";
import type { ExtractedChallenges } from "./challenges";
import { acknowledgePreVerification, doneWhen, dvChallengesIssued, failOnError, followChange, thirdPartyCsrsReady } from "./follow";
import type { PollTiming } from "./poll";
import type { Progress } from "./progress";
import { isComplete, isPastIssuance, needsInput } from "./statuses";
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

/** The check every follower's `failOnError` makes, for loops outside the follower (tests, bench). */
export { throwIfFailed } from "./follow";

export async function waitForActionableChange(o: FollowChangeOptions): Promise<ActionableChange> {
  return followChange<ActionableChange>(
    { cps: o.client, ...(o.progress ? { progress: o.progress } : {}), ...(o.sleep ? { sleep: o.sleep } : {}) },
    { enrollmentId: o.enrollmentId, changeId: o.changeId },
    [
      failOnError,
      acknowledgePreVerification({ policy: o.preVerificationWarnings, policyInput: "preVerificationWarnings" }),
      dvChallengesIssued((change, challenges) => ({ change, challenges })),
      thirdPartyCsrsReady((change, csrs) => ({ change, csrs })),
      // OV/EV, or a change that needs no challenge or CSR: nothing for the user to act on here.
      doneWhen((change) => isComplete(change) || isPastIssuance(change) || needsInput(change), (change) => ({ change })),
    ],
    {
      what: `enrollment ${o.enrollmentId} change ${o.changeId}`,
      timeoutMs: o.timeoutMs,
      ...(o.minIntervalMs ? { minIntervalMs: o.minIntervalMs } : {}),
      ...(o.maxIntervalMs ? { maxIntervalMs: o.maxIntervalMs } : {}),
    },
  );
}
