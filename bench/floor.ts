/**
 * The floor of a stack of N certificates: no client can finish before the largest of
 *  - CPS's own critical path: the timed steps of one certificate (CSR, CA, staging, production
 *    deployment), measured from the emulator's transition log;
 *  - the creation throttle: CPS creates one certificate per account every five minutes
 *    (akamai-apis apis/cps/v2/newer/paths/enrollments.yaml, POST /enrollments), so the last of N
 *    is created at least (N − 1) × 5 min after the first and then needs its own timed steps (at
 *    least the shortest path any certificate of the run took: the emulator's steps stretch a little
 *    when the machine is busy, so the longest would overstate the floor);
 *  - the request budget: the requests the flow minimally needs, divided by the budget the stack
 *    may use (its share of the account's 35 a minute).
 * Pure arithmetic, so test/bench/floor.test.ts can check it.
 */

/** Akamai's creation window (CPS time). */
export const CREATION_WINDOW_CPS_MS = 5 * 60_000;

/**
 * CPS requests one DV certificate needs at the least, each read landing exactly when it is due:
 * POST /enrollments; GET the change (challenges offered); GET the challenges; POST the DV
 * acknowledgement; GET the change (change management offered); GET the change-management info;
 * POST its acknowledgement; GET the change (complete); GET the production deployment.
 * Edge DNS requests (TXT records) are not part of CPS's budget.
 */
export const MIN_CPS_REQUESTS_PER_CERTIFICATE = 9;

export type Binding = "CPS critical path" | "creation throttle" | "request budget";

export interface StackFloorInput {
  certificates: number;
  /** The longest timed-step path of one certificate, CPS ms. */
  criticalPathCpsMs: number;
  /** The shortest timed-step path of one certificate, CPS ms (default: criticalPathCpsMs). */
  shortestPathCpsMs?: number;
  /** Requests a minute the stack may use (e.g. floor(35 × 0.5) = 17). */
  requestsPerMinute: number;
  /** Default MIN_CPS_REQUESTS_PER_CERTIFICATE. */
  minRequestsPerCertificate?: number;
  /** Default CREATION_WINDOW_CPS_MS. */
  creationWindowCpsMs?: number;
}

export interface StackFloor {
  criticalPathCpsMs: number;
  throttleCpsMs: number;
  budgetCpsMs: number;
  floorCpsMs: number;
  binding: Binding;
}

export function stackFloor(input: StackFloorInput): StackFloor {
  const n = input.certificates;
  if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError("certificates must be a positive integer");
  if (!(input.requestsPerMinute > 0)) throw new RangeError("requestsPerMinute must be positive");
  const window = input.creationWindowCpsMs ?? CREATION_WINDOW_CPS_MS;
  const perCertificate = input.minRequestsPerCertificate ?? MIN_CPS_REQUESTS_PER_CERTIFICATE;
  const criticalPathCpsMs = input.criticalPathCpsMs;
  const throttleCpsMs = (n - 1) * window + (input.shortestPathCpsMs ?? criticalPathCpsMs);
  const budgetCpsMs = ((n * perCertificate) / input.requestsPerMinute) * 60_000;
  // Ties go to the earlier entry: with one certificate the throttle adds nothing to the path.
  const candidates: Array<[Binding, number]> = [
    ["CPS critical path", criticalPathCpsMs],
    ["creation throttle", throttleCpsMs],
    ["request budget", budgetCpsMs],
  ];
  let [binding, floorCpsMs] = candidates[0]!;
  for (const [name, value] of candidates.slice(1)) {
    if (value > floorCpsMs) [binding, floorCpsMs] = [name, value];
  }
  return { criticalPathCpsMs, throttleCpsMs, budgetCpsMs, floorCpsMs, binding };
}

/** wall / floor; NaN when either is not a positive finite number (a run that did not finish). */
export function ratio(wall: number, floor: number): number {
  return Number.isFinite(wall) && Number.isFinite(floor) && floor > 0 && wall > 0 ? wall / floor : Number.NaN;
}

/** The larger of two completion times over the smaller (1 = equal); NaN unless both finished. */
export function spread(a: number, b: number): number {
  return ratio(Math.max(a, b), Math.min(a, b));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function worst(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}
