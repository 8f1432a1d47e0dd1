/**
 * Polling with backoff, bounded by a deadline. CPS moves in steps: a transition is often followed
 * by another one soon after, then a long quiet period (validation, deployment). So the interval
 * starts short, grows while nothing changes, and drops back to short whenever the observed state
 * changes. Rate limits and Retry-After are handled by the HTTP client underneath: each step runs
 * with this wait's deadline and progress, so a request that waits for the account's API budget is
 * bounded by the wait's timeout and says so in the wait's progress lines.
 */
import { CodedError, currentRequestContext, plainMessage, deadlineIn, withRequestContext, type ErrorCode, type WaitHints } from "../cps";
import { formatElapsed, Progress } from "./progress";
import { isTransient } from "./transient";

export interface PollTiming {
  /** First interval, and the interval right after a change is observed. Default 500 ms. */
  minIntervalMs?: number;
  /** Cap on the interval. Default 15 s. */
  maxIntervalMs?: number;
  /** Growth factor while nothing changes. Default 1.6. */
  factor?: number;
  /** How often (at most) to print an unchanged progress line. Default 30 s. */
  quietProgressEveryMs?: number;
}

export interface PollStep<T> {
  /** Set when the wait is over. */
  done?: T;
  /** A short description of the current state; a change resets the backoff and is printed. */
  state: string;
  /** Optional extra detail printed with the state (e.g. which domains are pending). */
  detail?: string;
}

export interface WaitOptions extends PollTiming {
  /** What is being waited for, for messages: "domain validation". */
  what: string;
  timeoutMs: number;
  progress?: Progress;
  /**
   * Errors from a step that mean "try again" rather than "fail" (default: 5xx, 429 and network
   * errors the HTTP client did not retry, e.g. on acknowledgement POSTs). The next step re-reads
   * the change first, so an acknowledgement that did land is not sent twice.
   */
  retryOn?: (error: unknown) => boolean;
  /** The code of the timeout error (default `WaitTimedOut`), e.g. `DnsNotPropagated` for a DNS wait. */
  timeoutCode?: ErrorCode;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class WaitTimeoutError extends CodedError {
  override readonly name: string = "WaitTimeoutError";
  constructor(
    readonly what: string,
    readonly elapsedMs: number,
    readonly lastState: string,
    readonly lastDetail?: string,
    code: ErrorCode = "WaitTimedOut",
  ) {
    super(
      code,
      `Timed out after ${formatElapsed(elapsedMs)} waiting for ${what}; last state: ${lastState}` +
        (lastDetail ? ` (${lastDetail})` : "") +
        ". Run `pulumi up` again to resume waiting, or raise the timeout input.",
    );
  }
}

/**
 * Share of the account budget that status polls of all waits together may use; the rest stays free
 * for actions (acknowledgements, uploads), which go first anyway. Every wait in the process polls
 * at most every `waits × 60 s / (budget × share)`: six waits on a 17-a-minute budget read about
 * every 28 s each instead of queueing behind each other every few seconds.
 */
export const POLL_BUDGET_SHARE = 0.75;

const activeWaits = new Set<WaitHints>();

/** Waits currently polling in this process (diagnostics, tests). */
export function activeWaitCount(): number {
  return activeWaits.size;
}

/**
 * Readers of the account budget among the waits: one per wait reading on its own, one per shared
 * read (a contract's list, lifecycle/contract-watch.ts) however many waits it serves.
 */
export function pollConsumers(): number {
  const shared = new Set<string>();
  let own = 0;
  for (const wait of activeWaits) {
    if (wait.sharedKey !== undefined) shared.add(wait.sharedKey);
    else own++;
  }
  return own + shared.size;
}

/** The shortest interval this wait may poll at given the account budget and the other waits. */
export function budgetPacedIntervalMs(requestsPerMinute: number, waits: number): number {
  if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute)) return 0;
  return Math.ceil((Math.max(1, waits) * 60_000) / (requestsPerMinute * POLL_BUDGET_SHARE));
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `step` until it returns `done`, with adaptive backoff, printing progress on every state change. */
export async function waitUntil<T>(step: () => Promise<PollStep<T>>, options: WaitOptions): Promise<T> {
  const hints: WaitHints = { actions: 0 };
  activeWaits.add(hints);
  try {
    return await pollUntil(step, options, hints);
  } finally {
    activeWaits.delete(hints);
  }
}

async function pollUntil<T>(step: () => Promise<PollStep<T>>, options: WaitOptions, hints: WaitHints): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const min = options.minIntervalMs ?? 500;
  const max = options.maxIntervalMs ?? 15_000;
  const factor = options.factor ?? 1.6;
  const quietEvery = options.quietProgressEveryMs ?? 30_000;
  const started = now();
  let interval = min;
  let lastState: string | undefined;
  let lastDetail: string | undefined;
  let lastPrinted = started;
  const retryOn = options.retryOn ?? isTransient;
  const budgetPerMinute = currentRequestContext().requestsPerMinute;
  let actionsSeen = 0;
  const requestContext = {
    wait: hints,
    deadline: deadlineIn(options.timeoutMs, now),
    ...(options.progress ? { notify: (line: string) => options.progress!(`${options.what}: ${line}`) } : {}),
  };
  for (;;) {
    let result: PollStep<T>;
    try {
      result = await withRequestContext(requestContext, step);
    } catch (e) {
      if (!retryOn(e)) throw e;
      result = { state: "CPS did not answer", detail: plainMessage(e) };
    }
    const t = now();
    const elapsed = t - started;
    const line = `${options.what}: ${result.state}${result.detail ? ` - ${result.detail}` : ""} (${formatElapsed(elapsed)})`;
    if (result.done !== undefined) {
      if (lastState !== undefined && options.progress) options.progress(`${options.what}: done (${formatElapsed(elapsed)})`);
      return result.done;
    }
    if (result.state !== lastState || result.detail !== lastDetail) {
      options.progress?.(line);
      lastPrinted = t;
      if (result.state !== lastState) interval = min;
    } else if (t - lastPrinted >= quietEvery) {
      options.progress?.(line);
      lastPrinted = t;
    }
    // After an action of ours (an acknowledgement, an upload), CPS answers soon: read short again,
    // whatever the state or the step's expected duration said before.
    const acted = hints.actions !== actionsSeen;
    if (acted) interval = min;
    actionsSeen = hints.actions;
    lastState = result.state;
    lastDetail = result.detail;
    if (elapsed >= options.timeoutMs) throw new WaitTimeoutError(options.what, elapsed, result.state, result.detail, options.timeoutCode);
    const remaining = options.timeoutMs - elapsed;
    const paced = Math.max(
      budgetPerMinute !== undefined ? Math.max(interval, budgetPacedIntervalMs(budgetPerMinute(), pollConsumers())) : interval,
      acted ? 0 : (hints.intervalMs ?? 0),
    );
    await sleep(Math.min(paced, Math.max(remaining, 0)));
    interval = Math.min(max, Math.round(interval * factor));
  }
}
