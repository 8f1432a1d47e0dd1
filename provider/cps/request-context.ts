/**
 * What the code calling the client knows and the transport needs when the account's budget runs
 * out: how long the resource may wait (its timeout input), where to print why it waits, and
 * whether its requests are status polls or actions. Carried with AsyncLocalStorage so the 18 typed
 * operations need no extra parameter, and nested contexts (a poll inside a resource's create)
 * inherit what they do not set.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestPriority } from "./rate-limiter";

export interface RequestContext {
  /**
   * When a request waiting for budget gives up, in the time of `now` (the caller's clock, which
   * need not be the transport's: the transport only uses what is left, `deadline - now()`).
   */
  deadline?: { at: number; now: () => number };
  /** A progress line for the user ("waiting for API budget: ..."). */
  notify?: (line: string) => void;
  /** Default: GET → poll, anything else → action. */
  priority?: RequestPriority;
  /** The account budget's requests a minute now, so waits pace their polls by their share of it. */
  requestsPerMinute?: () => number;
  /** Shared by nested contexts: when a budget line was last printed, so one wait prints one every so often. */
  lastBudgetNotice?: { at: number };
  /** The wait (lifecycle/poll.ts) these requests belong to: what its reads tell its loop. */
  wait?: WaitHints;
}

/**
 * One wait's bookkeeping between its loop and the reads it makes (lifecycle/contract-watch.ts):
 * actions of ours reset its interval, a read served from a shared list makes it one consumer of the
 * budget with every other wait of that list, and what CPS is doing sets how often it need read.
 */
export interface WaitHints {
  /** Non-GET requests of this wait that CPS accepted (acknowledgements, uploads, schedules). */
  actions: number;
  /** Set while the wait is served by a shared read (a contract's list): waits with one key pace as one. */
  sharedKey?: string;
  /** The interval the wait's last read calls for, given what CPS is doing; the loop's backoff applies below it. */
  intervalMs?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A deadline `ms` from now on the clock `now`. */
export function deadlineIn(ms: number, now: () => number = Date.now): NonNullable<RequestContext["deadline"]> {
  return { at: now() + ms, now };
}

/** Run `fn` with `context` merged over the surrounding one (the nearer deadline wins). */
export function withRequestContext<T>(context: RequestContext, fn: () => Promise<T>): Promise<T> {
  const outer = storage.getStore() ?? {};
  const nearer = [outer.deadline, context.deadline]
    .filter((d): d is NonNullable<RequestContext["deadline"]> => d !== undefined)
    .sort((a, b) => a.at - a.now() - (b.at - b.now()))[0];
  const merged: RequestContext = {
    ...outer,
    ...context,
    ...(nearer !== undefined ? { deadline: nearer } : {}),
    lastBudgetNotice: context.notify !== undefined && context.notify !== outer.notify ? { at: Number.NEGATIVE_INFINITY } : (outer.lastBudgetNotice ?? { at: Number.NEGATIVE_INFINITY }),
  };
  return storage.run(merged, fn);
}

export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? {};
}
