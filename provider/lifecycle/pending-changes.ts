/** Choosing the change to follow among `pendingChanges` (whose order sources disagree on). */
import type { Enrollment } from "../cps";

/** The newest pending change: the highest change id (CPS ids grow), whatever the array order. */
export function latestPendingChange(enrollment: Pick<Enrollment, "pendingChanges">): { changeId: number; changeType: string | null } | undefined {
  let best: { changeId: number; changeType: string | null } | undefined;
  for (const p of enrollment.pendingChanges ?? []) {
    if (!best || p.changeId > best.changeId) best = { changeId: p.changeId, changeType: p.changeType ?? null };
  }
  return best;
}
