/**
 * Reading whether an enrollment's pending change failed, and cancelling it, for the Enrollment's
 * way out of a failed change (see ../lifecycle/failed-change.ts for why a failed change never
 * continues on its own).
 */
import { isNotFound, type CpsApi } from "../cps";
import { failedChange, FailedChangeError } from "../lifecycle/failed-change";

/** The failure of the change, or undefined when it did not fail (or no longer exists). */
export async function failedPendingChange(client: CpsApi, enrollmentId: number, changeId: number): Promise<FailedChangeError | undefined> {
  try {
    return failedChange(enrollmentId, changeId, await client.getChangeStatus(enrollmentId, changeId));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** For diff: true when the change failed; false when it did not or when CPS could not be asked. */
export async function pendingChangeFailed(client: CpsApi, enrollmentId: number, changeId: number): Promise<boolean> {
  return failedPendingChange(client, enrollmentId, changeId).then(
    (f) => f !== undefined,
    () => false,
  );
}

/** DELETE the change; a 404 means it is gone already (cancelled by an earlier attempt). */
export async function cancelChangeIfPresent(client: CpsApi, enrollmentId: number, changeId: number): Promise<void> {
  try {
    await client.cancelChange(enrollmentId, changeId);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}
