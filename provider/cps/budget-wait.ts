/**
 * What one request does when the account's budget is the bottleneck: tell the user it waits for
 * the budget (queue length, account limit), and after a 429 slow the whole account down and wait —
 * as long as CPS says, or for the window when it does not say — bounded by the resource's timeout,
 * never failing the call because of the 429 itself. Kept apart from the transport's retry policy
 * for answers whose outcome is unknown (5xx, resets), which is a different concern.
 */
import type { CpsApiError } from "./errors";
import { CpsBudgetTimeoutError } from "./budget-error";
import type { RateLimiter } from "./rate-limiter";
import type { RequestContext } from "./request-context";
import type { LogFn } from "./transport";

/** Without a resource timeout around it, a request waits for budget at most this long. */
export const DEFAULT_BUDGET_WAIT_MS = 30 * 60_000;

/** A "waiting for API budget" line at most this often per wait (clock time). */
export const BUDGET_NOTICE_EVERY_MS = 30_000;

interface BudgetWaitDeps {
  limiter: RateLimiter;
  log: LogFn;
  clock: { now(): number };
}

export class BudgetWait {
  /** 429s this request received. */
  rateLimited = 0;
  private readonly started: number;
  private readonly deadline: number;

  constructor(
    private readonly deps: BudgetWaitDeps,
    private readonly request: { method: string; extraLimiter?: RateLimiter },
    private readonly target: string,
    private readonly context: RequestContext,
  ) {
    this.started = deps.clock.now();
    const left = context.deadline !== undefined ? context.deadline.at - context.deadline.now() : DEFAULT_BUDGET_WAIT_MS;
    this.deadline = this.started + Math.max(0, left);
  }

  /** Before queueing: when the request will not go at once, say that the budget is what it waits for. */
  noticeIfQueued(): void {
    const limiter = this.deps.limiter;
    if (!limiter.busy) return;
    const state = limiter.state;
    this.notice(`waiting for API budget: ${state.queued + 1} requests queued, account limit ${state.limits}${state.limits !== state.configured ? ` (slowed down from ${state.configured} after a 429)` : ""}`);
  }

  /**
   * A 429: halve the account's rate, pause every grant for the wait, then let the caller queue
   * again (first in line). Throws CpsBudgetTimeoutError only when the wait would pass the deadline.
   */
  async afterRateLimited(error: CpsApiError): Promise<void> {
    this.rateLimited++;
    const limiter = this.deps.limiter;
    const extra = this.request.extraLimiter;
    // Which budget ran out is not said; the narrower one is the likelier.
    const budget = extra ?? limiter;
    const delay = error.retryAfterMs ?? budget.windowWaitMs();
    const now = this.deps.clock.now();
    if (now + delay > this.deadline) {
      throw new CpsBudgetTimeoutError(this.request.method, this.target, now - this.started + delay, limiter.state.configured, this.rateLimited);
    }
    limiter.slowDown();
    limiter.pauseFor(delay);
    extra?.slowDown();
    extra?.pauseFor(delay);
    const how = error.retryAfterMs !== undefined ? "as CPS asked" : "for the window to pass (CPS did not say how long)";
    const line =
      `waiting for API budget: CPS answered 429 Too Many Requests to ${this.request.method} ${this.target.split("?")[0]}; ` +
      `every request of this account waits ${Math.ceil(delay / 1000)} s ${how}, then runs at ${limiter.state.limits} (account limit ${limiter.state.configured})`;
    this.deps.log("debug", line);
    this.notice(line, true);
  }

  private notice(line: string, always = false): void {
    const notify = this.context.notify;
    if (notify === undefined) return;
    const now = this.deps.clock.now();
    const last = this.context.lastBudgetNotice;
    if (!always && last !== undefined && now - last.at < BUDGET_NOTICE_EVERY_MS) return;
    if (last !== undefined) last.at = now;
    notify(line);
  }
}
