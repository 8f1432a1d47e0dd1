/**
 * Multiplexed waiting: every wait of a stack on a change of one contract is served by one shared
 * `GET /enrollments?contractId=` instead of each reading `GET …/changes/{id}` on its own.
 *
 * What CPS exposes decides what can be shared (docs/account-budget.md, "Waiting on many changes"):
 * - the contract's list carries each enrollment's `pendingChanges`: one read tells every waiting
 *   resource of the contract whether its change is still open. A change that left the list is
 *   complete or cancelled (or failed and was closed): the wait then reads it once to know which;
 * - only the change itself says which step it is in, whether it offers an input (`allowedInput`:
 *   challenges, warnings, a CSR, change management) and whether it failed (`state: error`).
 *
 * So a wait reads its own change when an action may be due — the change offers or is about to offer
 * an input, an action of ours just changed it, the list no longer shows it — or when the step it is
 * in has run for its expected duration (then CPS may have moved on to a step with an input, or
 * failed). Otherwise it is answered from the list, with the change as last read. How long a wait may
 * go without its own read is also bounded by its share of the budget: with budget to spare (a raised
 * limit) every poll reads the change, as before.
 *
 * A wait loop calls `readChange` where it called `client.getChangeStatus`; the contract is known
 * from `rememberContract` (the Enrollment resource and every contract list this process reads), so
 * no poll costs an extra request to find it. Without it the wait reads its change as before.
 */
import { cpsContractId, currentRequestContext, type ChangeStatus, type CpsApi, type Enrollment } from "../cps";
import { activeWaitCount, budgetPacedIntervalMs } from "./poll";
import { isCancelled, isComplete, isFailed } from "./statuses";

/** What the watch needs of the client (the real one, or a test's fake). */
export type WatchClient = Pick<CpsApi, "getChangeStatus" | "listEnrollments">;

export interface WatchedChange {
  enrollmentId: number;
  changeId: number;
  /** The enrollment's contract when the caller knows it (inputs, state); else what this process learned. */
  contractId?: string;
}

/**
 * How long CPS's steps without an input take at the least, in CPS time. Akamai documents the order
 * of the steps and what each does (https://techdocs.akamai.com/cps/reference/status-values-and-descriptions,
 * https://techdocs.akamai.com/cps/docs/cps-workflow) but no durations; the figures are the lower
 * end of what Akamai's material and users report — a CA answering a validated Let's Encrypt order
 * in about 2 minutes, a deployment to either network taking 5 to 60 minutes (the benchmarks'
 * realistic profile, bench/profile.ts; issue #13) — so a wait reads its change no later than a step
 * can end. Statuses not listed take DEFAULT_STEP_MS.
 */
export const EXPECTED_STEP_MS: Readonly<Record<string, number>> = {
  "check-for-cert": 2 * 60_000,
  "verify-third-party-cert": 60_000,
  "deploy-cert-to-staging": 5 * 60_000,
  "deploy-changes-to-staging": 5 * 60_000,
  "deploy-cert-to-production": 5 * 60_000,
  "deploy-changes-to-production": 5 * 60_000,
};

/** A step no source gives a duration for: read it again after a minute. */
export const DEFAULT_STEP_MS = 60_000;

/**
 * Steps that end in an input for the user within seconds: `generate-csr` is followed by the DV
 * challenges, the third-party CSR or pre-verification warnings (the CPS workflow above). A wait in
 * one reads its change every poll.
 */
const BEFORE_INPUT = new Set(["generate-csr"]);

/** Once a step outlasted its expected duration, its change is read again every quarter of it. */
const OVERDUE_REREAD_FRACTION = 0.25;

/** A wait polls a long step at about 1/20 of its expected duration (15 s in a deployment). */
const STEP_POLL_FRACTION = 1 / 20;

/**
 * How far a wait may stretch its reads, in multiples of its budget-paced interval: on the default
 * 17 a minute one wait alone reads its change at least every ~94 s; with budget to spare (a raised
 * limit, where the paced interval is near 0) every poll reads it, as without this module.
 */
export const SHARE_MULTIPLE = 20;

export interface ReadPlanInput {
  /** The change as last read; undefined before the first read. */
  last?: Pick<ChangeStatus, "statusInfo" | "allowedInput">;
  /** Time since the wait first saw the change in its current status. */
  msInStatus: number;
  /** Time since the change was last read. */
  msSinceRead: number;
  /** An action of ours since the last read. */
  acted: boolean;
  /** Whether a contract list can answer for the change. */
  contractKnown: boolean;
  /** The wait's share of the account budget: the interval it could read at were every wait reading on its own; 0 without a budget. */
  shareMs: number;
  /** Expected durations by status (tests; default EXPECTED_STEP_MS). */
  expected?: Readonly<Record<string, number>>;
}

export interface ReadPlan {
  /** Read the change itself now (else the contract's list answers). */
  readChange: boolean;
  /** Why, for diagnostics and tests. */
  reason: "first read" | "action of ours" | "no contract" | "input offered" | "input coming" | "finished" | "step overdue" | "budget to spare" | "list";
  /** The interval the wait should poll at, given the step (undefined: its own backoff). */
  intervalMs?: number;
}

/** The interval policy: whether a wait must read its change now, and how often it should poll. */
export function changeReadPlan(i: ReadPlanInput): ReadPlan {
  const last = i.last;
  if (last === undefined) return { readChange: true, reason: "first read" };
  if (i.acted) return { readChange: true, reason: "action of ours" };
  const status = last.statusInfo.status;
  if (last.allowedInput.length > 0 || last.statusInfo.state === "awaiting-input") return { readChange: true, reason: "input offered" };
  if (BEFORE_INPUT.has(status)) return { readChange: true, reason: "input coming" };
  if (isComplete(last) || isCancelled(last) || isFailed(last)) return { readChange: true, reason: "finished" };
  const expected = (i.expected ?? EXPECTED_STEP_MS)[status] ?? DEFAULT_STEP_MS;
  const stretch = SHARE_MULTIPLE * i.shareMs;
  const intervalMs = Math.min(Math.round(expected * STEP_POLL_FRACTION), stretch);
  const withInterval = (plan: Omit<ReadPlan, "intervalMs">): ReadPlan => (intervalMs > 0 ? { ...plan, intervalMs } : plan);
  if (!i.contractKnown) return withInterval({ readChange: true, reason: "no contract" });
  if (i.msSinceRead >= stretch) return withInterval({ readChange: true, reason: "budget to spare" });
  if (i.msInStatus >= expected && i.msSinceRead >= expected * OVERDUE_REREAD_FRACTION) return withInterval({ readChange: true, reason: "step overdue" });
  return withInterval({ readChange: false, reason: "list" });
}

interface ChangeEntry {
  last?: ChangeStatus;
  readAt: number;
  statusSince: number;
  /** Actions of each wait (its hints object) as of the last read. */
  actionsAt: WeakMap<object, number>;
}

interface ContractEntry {
  at: number;
  /** Pending change ids by enrollment, as of `at`. */
  pending?: Map<number, Set<number>>;
  reading?: Promise<Map<number, Set<number>>>;
  /** When the list last failed (no permission to list the contract, an outage): not tried again for a while. */
  failedAt?: number;
}

/** After a failed list, the contract's waits read their own changes this long before it is tried again. */
const LIST_RETRY_MS = 10 * 60_000;

export interface WatchStats {
  /** `GET /enrollments?contractId=` this module sent. */
  listReads: number;
  /** `GET …/changes/{id}` this module sent. */
  changeReads: number;
  /** Polls answered from a contract list (no request of their own). */
  servedFromList: number;
}

interface Watch {
  contractOf: Map<number, string>;
  changes: Map<string, ChangeEntry>;
  contracts: Map<string, ContractEntry>;
  stats: WatchStats;
}

const watches = new WeakMap<object, Watch>();

function watchOf(client: object): Watch {
  let w = watches.get(client);
  if (!w) {
    w = { contractOf: new Map(), changes: new Map(), contracts: new Map(), stats: { listReads: 0, changeReads: 0, servedFromList: 0 } };
    watches.set(client, w);
  }
  return w;
}

interface WatchConfig {
  now: () => number;
  expected: Readonly<Record<string, number>>;
}

let config: WatchConfig = { now: Date.now, expected: EXPECTED_STEP_MS };

/** Test seam: the clock (CPS time where the caller runs on it) and expected durations over EXPECTED_STEP_MS. */
export function configureContractWatch(options: { now?: () => number; expectedStepMs?: Readonly<Record<string, number>> } = {}): void {
  config = { now: options.now ?? Date.now, expected: { ...EXPECTED_STEP_MS, ...(options.expectedStepMs ?? {}) } };
}

/** The enrollment belongs to the contract: the Enrollment resource and contract lists say so. */
export function rememberContract(client: object, enrollmentId: number, contractId: string): void {
  if (contractId.length > 0) watchOf(client).contractOf.set(enrollmentId, cpsContractId(contractId));
}

/**
 * A contract list this process read elsewhere (diffs): its enrollments are known from then on, and
 * it is the contract's latest list for the waits too, so they do not read it again within their
 * interval.
 */
export function rememberContractList(client: object, contractId: string, enrollments: ReadonlyArray<Pick<Enrollment, "id" | "pendingChanges">>): void {
  const w = watchOf(client);
  const contract = cpsContractId(contractId);
  const entry = w.contracts.get(contract) ?? { at: Number.NEGATIVE_INFINITY };
  w.contracts.set(contract, entry);
  recordList(w, entry, contract, enrollments);
}

/** What one list of the contract says: which enrollment is in it, and each one's pending changes. */
function recordList(w: Watch, entry: ContractEntry, contract: string, list: ReadonlyArray<Pick<Enrollment, "id" | "pendingChanges">>): Map<number, Set<number>> {
  const pending = new Map<number, Set<number>>();
  for (const enrollment of list) {
    w.contractOf.set(enrollment.id, contract);
    pending.set(enrollment.id, new Set((enrollment.pendingChanges ?? []).map((p) => p.changeId)));
  }
  entry.pending = pending;
  entry.at = config.now();
  delete entry.failedAt;
  return pending;
}

/** Requests and shared answers of this module for a client (tests, diagnostics). */
export function contractWatchStats(client: object): WatchStats {
  return { ...watchOf(client).stats };
}

/**
 * The change for a wait's poll: `GET …/changes/{id}` when an action may be due or its step's
 * expected time passed, else the change as last read while the contract's list (read once per
 * interval for every wait of the contract) still shows it pending. Throws what `getChangeStatus`
 * throws (a 404 for a change or enrollment that is gone included).
 */
export async function readChange(client: WatchClient, ref: WatchedChange): Promise<ChangeStatus> {
  const w = watchOf(client);
  const key = `${ref.enrollmentId}/${ref.changeId}`;
  let entry = w.changes.get(key);
  if (!entry) {
    entry = { readAt: 0, statusSince: 0, actionsAt: new WeakMap() };
    w.changes.set(key, entry);
  }
  const context = currentRequestContext();
  const hints = context.wait;
  const now = config.now();
  const contract = ref.contractId !== undefined && ref.contractId.length > 0 ? cpsContractId(ref.contractId) : w.contractOf.get(ref.enrollmentId);
  const shareMs = sharePerWait();
  const plan = changeReadPlan({
    ...(entry.last !== undefined ? { last: entry.last } : {}),
    msInStatus: now - entry.statusSince,
    msSinceRead: now - entry.readAt,
    acted: hints !== undefined && (entry.actionsAt.get(hints) ?? 0) !== hints.actions,
    contractKnown: contract !== undefined,
    shareMs,
    expected: config.expected,
  });
  if (!plan.readChange && contract !== undefined && entry.last !== undefined) {
    const pending = await contractPending(client, w, contract, plan.intervalMs ?? 0).catch(() => undefined);
    if (pending?.get(ref.enrollmentId)?.has(ref.changeId) === true) {
      w.stats.servedFromList++;
      if (hints) {
        hints.sharedKey = `contract:${contract}`;
        if (plan.intervalMs !== undefined) hints.intervalMs = plan.intervalMs;
        else delete hints.intervalMs;
      }
      return entry.last;
    }
    // Gone from the list (complete, cancelled) or the list failed: the change itself says which.
  }
  return readOwn(client, w, entry, ref, hints);
}

async function readOwn(client: WatchClient, w: Watch, entry: ChangeEntry, ref: WatchedChange, hints: ReturnType<typeof currentRequestContext>["wait"]): Promise<ChangeStatus> {
  w.stats.changeReads++;
  const change = await client.getChangeStatus(ref.enrollmentId, ref.changeId);
  const at = config.now();
  if (entry.last?.statusInfo.status !== change.statusInfo.status) entry.statusSince = at;
  entry.last = change;
  entry.readAt = at;
  if (hints) {
    entry.actionsAt.set(hints, hints.actions);
    delete hints.sharedKey;
    // What the next poll may do: the interval for the status just read.
    const next = changeReadPlan({ last: change, msInStatus: 0, msSinceRead: 0, acted: false, contractKnown: true, shareMs: sharePerWait(), expected: config.expected });
    if (next.intervalMs !== undefined) hints.intervalMs = next.intervalMs;
    else delete hints.intervalMs;
  }
  return change;
}

/**
 * The interval each wait could read at if every wait read on its own: its share of the account
 * budget, which bounds how long it may go without reading its change (SHARE_MULTIPLE).
 */
function sharePerWait(): number {
  const perMinute = currentRequestContext().requestsPerMinute?.();
  return perMinute !== undefined ? budgetPacedIntervalMs(perMinute, activeWaitCount()) : 0;
}

/**
 * The contract's pending changes, read at most once per `maxAgeMs` for every wait of the contract;
 * `undefined` while a failed list is not tried again (its waits read their own changes meanwhile).
 */
async function contractPending(client: WatchClient, w: Watch, contract: string, maxAgeMs: number): Promise<Map<number, Set<number>> | undefined> {
  let entry = w.contracts.get(contract);
  if (!entry) {
    entry = { at: Number.NEGATIVE_INFINITY };
    w.contracts.set(contract, entry);
  }
  if (entry.pending !== undefined && config.now() - entry.at < maxAgeMs) return entry.pending;
  if (entry.reading !== undefined) return entry.reading;
  if (entry.failedAt !== undefined && config.now() - entry.failedAt < LIST_RETRY_MS) return undefined;
  const e = entry;
  w.stats.listReads++;
  e.reading = client
    .listEnrollments(contract)
    .then((list) => recordList(w, e, contract, list))
    .catch((error: unknown) => {
      e.failedAt = config.now();
      throw error;
    })
    .finally(() => {
      delete e.reading;
    });
  return e.reading;
}
