/**
 * A change in `state: "error"` never continues: CPS's change schema lists `error` as a state of its
 * own, distinct from `suspended`/`awaiting-input` (https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/schemas/change.v2.yaml),
 * and the way out is to cancel it (`DELETE /enrollments/{e}/changes/{c}` "cancels the entire change",
 * https://techdocs.akamai.com/cps/reference/delete-enrollment-change) and submit a new one. The error
 * says so, naming the input that takes the next `pulumi up` there, so a failed change never leaves
 * a stack that repeats the same failure on every run.
 */
import { changeFailure, CpsChangeError, type ChangeStatus } from "../cps";

/** The CPS error code of a change whose deployment window (notAfter) passed before production. */
export const WINDOW_EXPIRED = "deployment-window-expired";

export function wayForward(enrollmentId: number, changeId: number, code: string | undefined): string {
  const resubmit =
    `A failed change does not continue: set cancelPendingChanges: true on the Enrollment of enrollment ${enrollmentId} and run \`pulumi up\`; ` +
    `it cancels change ${changeId} and submits a fresh change with the Enrollment's settings (a new certificate: for DV the domains are validated again, ` +
    "so let your DNS records follow the new dnsChallenges). See docs/troubleshooting.md#change-failed.";
  if (code === WINDOW_EXPIRED) {
    return `The deployment window closed before production: remove deploymentSchedule.notAfter, or set a later date, where you set it (Enrollment or Deployment). ${resubmit}`;
  }
  return resubmit;
}

/** A CpsChangeError whose message ends with the way forward. */
export class FailedChangeError extends CpsChangeError {
  constructor(init: ConstructorParameters<typeof CpsChangeError>[0]) {
    super(init);
    this.message = `${this.message}. ${wayForward(init.enrollmentId, init.changeId, init.code)}`;
  }
}

/** The change's failure (cps/changes.ts `changeFailure`, the one builder) with the way forward; undefined when it did not fail. */
export function failedChange(enrollmentId: number, changeId: number, change: ChangeStatus): FailedChangeError | undefined {
  const failure = changeFailure(enrollmentId, changeId, change);
  if (failure === undefined) return undefined;
  return new FailedChangeError({
    enrollmentId,
    changeId,
    ...(failure.status !== undefined ? { status: failure.status } : {}),
    ...(failure.cpsCode !== undefined ? { code: failure.cpsCode } : {}),
    ...(failure.description !== undefined ? { description: failure.description } : {}),
    ...(failure.timestamp !== undefined ? { timestamp: failure.timestamp } : {}),
  });
}
