/** Figures derived from the emulator's per-change timeline (transitions and status reads). */
import type { ChangeTimeline } from "./admin";

/** Statuses that last a fixed step duration in CPS, whatever the client does: their sum is the floor. */
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
  /** CPS ms between each transition (after the first status) and the first status read at or after it. */
  delaysCpsMs: number[];
  unobserved: number;
}

export function noticeDelays(t: ChangeTimeline): NoticeDelays {
  const delaysCpsMs: number[] = [];
  let unobserved = 0;
  for (const transition of t.transitions.slice(1)) {
    const read = t.reads.find((r) => r.realAt >= transition.realAt);
    if (read === undefined) unobserved++;
    else delaysCpsMs.push(read.at - transition.at);
  }
  return { delaysCpsMs, unobserved };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
