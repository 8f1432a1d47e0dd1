/** Figures derived from the emulator's per-change timeline (transitions and status reads). */
import type { ChangeTimeline } from "./admin";

/** Statuses that last a fixed step duration in CPS, whatever the client does: their sum is the critical path. */
const TIMED = new Set(["generate-csr", "check-for-cert", "deploy-cert-to-staging", "deploy-cert-to-production"]);

/** Emulator (CPS) ms the change spent in timed steps. */
export function floorCpsMs(t: ChangeTimeline): number {
  let sum = 0;
  for (let i = 0; i < t.transitions.length - 1; i++) {
    const entry = t.transitions[i]!;
    if (TIMED.has(entry.status)) sum += t.transitions[i + 1]!.at - entry.at;
  }
  return sum;
}

export interface NoticeDelays {
  /** CPS ms between each transition (after the first status) and the client noticing it. */
  delaysCpsMs: number[];
  unobserved: number;
}

/**
 * A transition is noticed by the first status read of the change at or after it. The last one
 * (the change completing) may be noticed without a per-change read (a list of the contract's
 * pending changes says it left): then by the moment the waiting resource returned
 * (`completedRealAt`, real ms), converted to CPS time with the emulator's `timeScale`.
 */
export function noticeDelays(t: ChangeTimeline, options: { timeScale?: number; completedRealAt?: number } = {}): NoticeDelays {
  const delaysCpsMs: number[] = [];
  let unobserved = 0;
  const transitions = t.transitions.slice(1);
  transitions.forEach((transition, i) => {
    const read = t.reads.find((r) => r.realAt >= transition.realAt);
    const last = i === transitions.length - 1;
    const viaReturn = last && options.completedRealAt !== undefined && options.completedRealAt >= transition.realAt ? (options.completedRealAt - transition.realAt) * (options.timeScale ?? 1) : undefined;
    const viaRead = read === undefined ? undefined : read.at - transition.at;
    const delay = viaRead === undefined ? viaReturn : viaReturn === undefined ? viaRead : Math.min(viaRead, viaReturn);
    if (delay === undefined) unobserved++;
    else delaysCpsMs.push(delay);
  });
  return { delaysCpsMs, unobserved };
}
