import { createHash } from "node:crypto";

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimit {
  requests: number;
  perMs: number;
}

/** CPS's published per-account budget: 20 requests per 2 seconds (cps-api.md §1). */
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 20, perMs: 2000 };

/**
 * Sliding-window limiter: at most `requests` grants in any `perMs` window, granted strictly in
 * the order `acquire()` was called (one pump loop serves a FIFO queue, so a burst of callers can
 * never starve an earlier one).
 */
export class RateLimiter {
  private readonly granted: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private pumping = false;

  constructor(
    readonly limit: RateLimit,
    private readonly clock: LimiterClock,
  ) {
    if (!Number.isInteger(limit.requests) || limit.requests < 1 || !(limit.perMs > 0)) {
      throw new RangeError("rateLimit: requests must be a positive integer and perMs positive");
    }
  }

  /** Resolves when the caller may send one request. */
  acquire(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      void this.pump();
    });
  }

  /** Callers currently queued (diagnostics). */
  get queued(): number {
    return this.waiting.length;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        const now = this.clock.now();
        while (this.granted.length > 0 && this.granted[0]! <= now - this.limit.perMs) this.granted.shift();
        if (this.granted.length < this.limit.requests) {
          this.granted.push(now);
          this.waiting.shift()!();
          continue;
        }
        await this.clock.sleep(Math.max(1, this.granted[0]! + this.limit.perMs - now));
      }
    } finally {
      this.pumping = false;
    }
  }
}

const sharedLimiters = new Map<string, RateLimiter>();

/**
 * CPS counts requests per account, so every client in the process that uses the same API client
 * (host + client token) shares one limiter. A different configured budget gets its own limiter.
 * The key is a hash: tokens are never kept in readable form outside the credential object.
 */
export function sharedRateLimiter(
  account: { host: string; clientToken: string },
  limit: RateLimit,
  clock: LimiterClock,
  /** Separate budgets per API (CPS, Edge DNS, the active-certificates extra budget). */
  scope = "cps",
): RateLimiter {
  const key = createHash("sha256").update(`${scope}\n${account.host}\n${account.clientToken}\n${limit.requests}/${limit.perMs}`).digest("hex");
  let limiter = sharedLimiters.get(key);
  if (limiter === undefined) {
    limiter = new RateLimiter(limit, clock);
    sharedLimiters.set(key, limiter);
  }
  return limiter;
}
