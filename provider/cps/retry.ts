/** Retry policy pieces: backoff with full jitter and server-suggested waits. */
export interface RetryPolicy {
  /** Total attempts including the first (default 5). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Acknowledgement POSTs answered 404/409 right after the change status moved are retried at most
 * this many times in total: CPS needs a moment before the input endpoint exists
 * (akamai/terraform-provider-akamai#648, #765), but a persistent 404/409 is a real answer and must surface.
 */
export const TRANSIENT_ACK_MAX_ATTEMPTS = 4;

/** A Retry-After longer than this is not waited for; the error carries it instead. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** "Full jitter": uniform in [0, min(max, base·2^(retry-1))]. `retry` counts from 1. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After: <seconds>` or `Retry-After: <HTTP date>` → milliseconds from `nowMs`. */
export function parseRetryAfterHeader(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** CPS's 429 detail: "You have exhausted your API Request Quota. Retry after: 21 seconds." */
export function parseRetryAfterDetail(detail: string | undefined): number | undefined {
  if (detail === undefined) return undefined;
  const match = /retry after:?\s*(\d+(?:\.\d+)?)\s*s/i.exec(detail);
  return match === null ? undefined : Math.round(Number(match[1]) * 1000);
}

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts: number;
  /**
   * Called with every failure, the last attempt's too; true means try again (if attempts are left).
   * It is also where the caller reads what landed (a POST whose outcome is unknown is never resent
   * blind): throwing from it ends the retries with that error.
   */
  retryOn: (error: unknown, attempt: number) => boolean | Promise<boolean>;
  /** Wait before attempt `attempt + 1` (default: none). */
  delayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The one retry loop of the provider's resource-level retries (an ambiguous create POST, Edge DNS
 * writes, warning info CPS briefly answers 404 for, the creation throttle). The HTTP client's own
 * retries of idempotent calls stay in the transport; a change follower's "CPS did not answer" is
 * its next poll (lifecycle/poll.ts).
 */
export async function retrying<T>(attempt: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!(await options.retryOn(error, n)) || n >= options.attempts) throw error;
      if (options.delayMs !== undefined) await sleep(options.delayMs(n));
    }
  }
}
