import { CpsChangeError } from "./errors";
import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import { type ChangeStatus, changeStatusSchema } from "./schemas/change";
import { requirePositiveId } from "./validate";
import { changeCancelLanded } from "./landed";

/** Changes family: status and cancel (akamai-apis apis/cps/v2/enrollments.yaml, `/enrollments/{enrollmentId}/changes/{changeId}`). */

export function changePath(enrollmentId: number, changeId: number): string {
  return `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}`;
}

export async function getChangeStatus(ctx: CpsContext, enrollmentId: number, changeId: number): Promise<ChangeStatus> {
  const e = requirePositiveId("enrollmentId", enrollmentId);
  const c = requirePositiveId("changeId", changeId);
  const response = await ctx.transport.send({ method: "GET", path: changePath(e, c), accept: MediaType.change });
  return parseResponse(changeStatusSchema, response, "GET");
}

/** Cancels the whole change (DELETE answers change-id.v1). */
export async function cancelChange(ctx: CpsContext, enrollmentId: number, changeId: number): Promise<void> {
  const e = requirePositiveId("enrollmentId", enrollmentId);
  const c = requirePositiveId("changeId", changeId);
  await ctx.transport.send({ method: "DELETE", path: changePath(e, c), accept: MediaType.changeId, landed: changeCancelLanded(ctx, e, c) });
}

/**
 * The one place a failed change becomes an error: `state: "error"` (or an error CPS reports on the
 * change) as a CpsChangeError carrying CPS's `statusInfo.error`. The lifecycle layer adds the way
 * forward (lifecycle/failed-change.ts); the client's `throwOnError` uses it as is.
 */
export function changeFailure(enrollmentId: number, changeId: number, status: ChangeStatus): CpsChangeError | undefined {
  if (status.statusInfo.state !== "error" && !status.statusInfo.error) return undefined;
  const error = status.statusInfo.error;
  const description = error?.description || status.statusInfo.description || undefined;
  return new CpsChangeError({
    enrollmentId,
    changeId,
    status: status.statusInfo.status,
    ...(error?.code ? { code: error.code } : {}),
    ...(description ? { description } : {}),
    ...(error?.timestamp ? { timestamp: error.timestamp } : {}),
  });
}

/** Throws CpsChangeError when the change failed; returns the status otherwise. */
export function assertChangeNotFailed(enrollmentId: number, changeId: number, status: ChangeStatus): ChangeStatus {
  const failure = changeFailure(enrollmentId, changeId, status);
  if (failure !== undefined) throw failure;
  return status;
}
