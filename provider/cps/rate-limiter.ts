import { createHash } from "node:crypto";

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimit {
  requests: number;
  perMs: number;
}

/** CPS's published per-account budget: 20 requests per 2 seconds (https://techdocs.akamai.com/cps/reference/rate-limiting). */
export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 20, perMs: 2000 };

/** Frees the slot a request held; the window of `perMs` counts from this call. Idempotent. */
export type ReleaseSlot = () => void;

/**
 * Sliding-window limiter: at most `requests` grants in any `perMs` window, granted strictly in
 * the order `acquire()`/`reserve()` was called (one pump loop serves a FIFO queue, so a burst of
 * callers can never starve an earlier one).
 *
 * The server counts a request when it arrives, which is some time after we grant it. Counting the
 * window from the grant (`acquire`) lets network jitter squeeze 21 arrivals into the server's
 * window; `reserve` holds the slot until the answer is in (`release`) and counts the window from
 * then, the latest moment the server can have counted the request: its window can then never hold
 * more than `requests`, whatever the latency. It costs about one latency per window of throughput.
 *
 * When the server still answers 429 (another client on the same account, a smaller budget than
 * configured), `pauseFor` stops every grant until its Retry-After has passed: one 429 pauses the
 * whole account's queue instead of each waiting request finding out for itself.
 */
export class RateLimiter {
  /** Times the window started counting for grants whose request is over, in order. */
  private readonly finished: number[] = [];
  /** Grants whose request has not been answered yet: they occupy a slot until released. */
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private pumping = false;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private wakeOnRelease: (() => void) | undefined;

  constructor(
    readonly limit: RateLimit,
    private readonly clock: LimiterClock,
  ) {
    if (!Number.isInteger(limit.requests) || limit.requests < 1 || !(limit.perMs > 0)) {
      throw new RangeError("rateLimit: requests must be a positive integer and perMs positive");
    }
  }

  /** Resolves when the caller may send one request; the window counts from the grant. */
  async acquire(): Promise<void> {
    (await this.reserve())();
  }

  /**
   * Resolves when the caller may send one request, with the function to call once its answer has
   * arrived (or it failed); the slot stays taken until then. `retry: true` queues the caller
   * first: it was granted before everyone now waiting and the server turned it away.
   */
  reserve(options: { retry?: boolean } = {}): Promise<ReleaseSlot> {
    return new Promise<ReleaseSlot>((resolve) => {
      const grant = () => {
        this.inFlight++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inFlight--;
          this.finished.push(this.clock.now());
          const wake = this.wakeOnRelease;
          this.wakeOnRelease = undefined;
          wake?.();
        });
      };
      if (options.retry === true) this.waiting.unshift(grant);
      else this.waiting.push(grant);
      void this.pump();
    });
  }

  /** No grant for anyone before `ms` from now (a 429's Retry-After); never shortens a longer pause. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
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
        if (this.pausedUntil > now) {
          await this.clock.sleep(this.pausedUntil - now);
          continue;
        }
        while (this.finished.length > 0 && this.finished[0]! <= now - this.limit.perMs) this.finished.shift();
        if (this.inFlight + this.finished.length < this.limit.requests) {
          this.waiting.shift()!();
          continue;
        }
        if (this.finished.length > 0) {
          await this.clock.sleep(Math.max(1, this.finished[0]! + this.limit.perMs - now));
        } else {
          // Every slot is a request still waiting for its answer: the first answer starts the clock.
          await new Promise<void>((resolve) => (this.wakeOnRelease = resolve));
        }
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
