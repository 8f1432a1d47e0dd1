import { createHash } from "node:crypto";

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface RateLimit {
  requests: number;
  perMs: number;
}

/**
 * CPS's published per-account budget: 35 requests a minute plus 20 per 2 seconds, "regardless of
 * the number of users or API credentials" (https://techdocs.akamai.com/cps/reference/rate-limiting).
 */
export const ACCOUNT_MINUTE_LIMIT: RateLimit = { requests: 35, perMs: 60_000 };
export const ACCOUNT_SHORT_LIMIT: RateLimit = { requests: 20, perMs: 2_000 };
/** `GET /active-certificates` has its own 10 a minute on top (same page). */
export const ACTIVE_CERTIFICATES_LIMIT: RateLimit = { requests: 10, perMs: 60_000 };

/**
 * Share of the account's minute budget one process uses by default. Half: two stacks (or a stack
 * and a CI job) of one account running at once stay inside the 35 a minute together without a
 * single 429, and Control Center and other tools keep one request a minute; the AIMD slow-down
 * below absorbs what a third client costs. A stack alone rarely needs more: CPS steps take minutes.
 */
export const DEFAULT_BUDGET_SHARE = 0.5;

/** The windows a process applies by default: its share of the minute budget, and the 2 s window. */
export function accountLimits(options: { requestsPerMinute?: number; requestsPerTwoSeconds?: number; budgetShare?: number } = {}): RateLimit[] {
  const perMinute = options.requestsPerMinute ?? ACCOUNT_MINUTE_LIMIT.requests;
  const share = options.budgetShare ?? DEFAULT_BUDGET_SHARE;
  if (!(perMinute > 0) || !(share > 0 && share <= 1)) throw new RangeError("requestsPerMinute must be positive and budgetShare in (0, 1]");
  return [
    { requests: Math.max(1, Math.floor(perMinute * share)), perMs: 60_000 },
    { requests: options.requestsPerTwoSeconds ?? ACCOUNT_SHORT_LIMIT.requests, perMs: 2_000 },
  ];
}

/** @deprecated the 2 s window alone; kept for callers that configure one window explicitly. */
export const DEFAULT_RATE_LIMIT: RateLimit = ACCOUNT_SHORT_LIMIT;

/** Frees the slot a request held; the window of `perMs` counts from this call. Idempotent. */
export type ReleaseSlot = () => void;

/**
 * `action`: a request that moves a change forward (create, update, acknowledgement, upload, any
 * non-GET); `poll`: a status read. Actions are granted before polls: a wait can always read a
 * little later, a pending acknowledgement holds up CPS itself.
 */
export type RequestPriority = "action" | "poll";

/** What the queue looks like, for "waiting for API budget" progress lines. */
export interface BudgetState {
  queued: number;
  /** Effective limits after any slow-down, e.g. "17/min, 20/2s". */
  limits: string;
  /** Configured limits, e.g. "17/min, 20/2s". */
  configured: string;
  /** 1 = configured rate; 0.5 after one 429, recovering gradually. */
  allowance: number;
  pausedForMs: number;
}

/**
 * Sliding-window budget of one account: at most `requests` grants in any `perMs`, for every window
 * at once (35 a minute and 20 per 2 s), granted in priority order (retries of turned-away requests,
 * then actions, then polls), FIFO within a priority (one pump loop serves the queues, so a burst of
 * callers can never starve an earlier one of the same priority).
 *
 * The server counts a request when it arrives, which is some time after we grant it. `reserve`
 * holds the slot until the answer is in (`release`) and counts the window from then, the latest
 * moment the server can have counted the request: its window can then never hold more than
 * `requests`, whatever the latency.
 *
 * Other processes share the account (stacks, CI jobs, Control Center), so a 429 can come however
 * carefully this process counts. Then `slowDown` halves the allowed rate for everyone in the
 * process (multiplicative decrease) and every successful answer gives back a little (additive
 * increase), the AIMD scheme TCP uses to share a link: several processes of one account converge on
 * fair shares without talking to each other. `pauseFor` stops every grant until a Retry-After.
 */
export class RateLimiter {
  private limitsInUse: RateLimit[];
  /** Times the window started counting for grants whose request is over, in order. */
  private readonly finished: number[] = [];
  /** Grants whose request has not been answered yet: they occupy a slot until released. */
  private inFlight = 0;
  private readonly queues: Record<"retry" | RequestPriority, Array<() => void>> = { retry: [], action: [], poll: [] };
  private pumping = false;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private wakeOnRelease: (() => void) | undefined;
  /** Fraction of the configured rate currently allowed (AIMD). */
  private scale = 1;
  private lastRateChange = Number.NEGATIVE_INFINITY;

  constructor(
    limit: RateLimit | readonly RateLimit[],
    private readonly clock: LimiterClock,
  ) {
    this.limitsInUse = validLimits(limit);
  }

  /** The longest window (the one 429s are usually about). */
  get limit(): RateLimit {
    return this.limitsInUse.reduce((a, b) => (b.perMs > a.perMs ? b : a));
  }

  get limits(): readonly RateLimit[] {
    return this.limitsInUse;
  }

  /** Resolves when the caller may send one request; the window counts from the grant. */
  async acquire(options: { priority?: RequestPriority } = {}): Promise<void> {
    (await this.reserve(options))();
  }

  /**
   * Resolves when the caller may send one request, with the function to call once its answer has
   * arrived (or it failed); the slot stays taken until then. `retry: true` queues the caller
   * first: it was granted before everyone now waiting and the server turned it away.
   */
  reserve(options: { retry?: boolean; priority?: RequestPriority } = {}): Promise<ReleaseSlot> {
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
      this.queues[options.retry === true ? "retry" : (options.priority ?? "poll")].push(grant);
      void this.pump();
    });
  }

  /** True when a request asked for now would not be granted at once (queue or full window). */
  get busy(): boolean {
    if (this.queued > 0 || this.pausedUntil > this.clock.now()) return true;
    return this.waitForRoomMs(this.clock.now()) !== 0;
  }

  /** No grant for anyone before `ms` from now (a 429's Retry-After); never shortens a longer pause. */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + Math.max(0, ms));
    // Recovery counts from when requests flow again.
    this.lastRateChange = Math.max(this.lastRateChange, this.pausedUntil);
  }

  /** A 429 despite our counting: someone else uses the account too. Halve the allowed rate. */
  slowDown(): void {
    // Requests sent before the first 429's pause get theirs too: one episode, one halving.
    const now = this.clock.now();
    if (this.pausedUntil > now) return;
    this.scale = Math.max(1 / this.limit.requests, this.scale / 2);
    this.lastRateChange = now;
  }

  /**
   * A successful answer: one more request per window for every full (longest) window that passed
   * without a 429 since the last change — TCP's additive increase, one step per round.
   */
  succeeded(): void {
    if (this.scale >= 1) return;
    const now = this.clock.now();
    if (now - this.lastRateChange < this.limit.perMs) return;
    this.scale = Math.min(1, this.scale + 1 / this.limit.requests);
    this.lastRateChange = now;
  }

  /**
   * How long until the oldest request we counted leaves the longest window: what to wait after a
   * 429 that says neither how long (no Retry-After header, no "Retry after: N seconds." detail).
   * With nothing of ours in the window, another client filled it: a whole window.
   */
  windowWaitMs(): number {
    const now = this.clock.now();
    const longest = this.limit;
    const oldest = this.finished.find((t) => t > now - longest.perMs);
    return oldest === undefined ? longest.perMs : Math.max(1, oldest + longest.perMs - now);
  }

  /** Grants whose answer is not in yet (diagnostics, tests). */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Requests a minute the tightest window allows now (after any slow-down): what polls can share. */
  get perMinute(): number {
    return Math.min(...this.limitsInUse.map((l) => (this.capacity(l) * 60_000) / l.perMs));
  }

  /** Callers currently queued (diagnostics). */
  get queued(): number {
    return this.queues.retry.length + this.queues.action.length + this.queues.poll.length;
  }

  get state(): BudgetState {
    return {
      queued: this.queued,
      limits: describeLimits(this.limitsInUse.map((l) => ({ requests: this.capacity(l), perMs: l.perMs }))),
      configured: describeLimits(this.limitsInUse),
      allowance: this.scale,
      pausedForMs: Math.max(0, this.pausedUntil - this.clock.now()),
    };
  }

  private capacity(l: RateLimit): number {
    return Math.max(1, Math.floor(l.requests * this.scale));
  }

  /** 0 when a grant fits every window now; ms until one does; -1 when only an answer can free a slot. */
  private waitForRoomMs(now: number): number {
    const longest = this.limit.perMs;
    while (this.finished.length > 0 && this.finished[0]! <= now - longest) this.finished.shift();
    let wait = 0;
    for (const l of this.limitsInUse) {
      const cap = this.capacity(l);
      if (this.inFlight >= cap) return -1;
      const inWindow = this.finished.filter((t) => t > now - l.perMs);
      const over = inWindow.length + this.inFlight - cap;
      if (over >= 0) wait = Math.max(wait, inWindow[over]! + l.perMs - now);
    }
    return wait === 0 ? 0 : Math.max(1, wait);
  }

  private next(): (() => void) | undefined {
    return this.queues.retry.shift() ?? this.queues.action.shift() ?? this.queues.poll.shift();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queued > 0) {
        const now = this.clock.now();
        if (this.pausedUntil > now) {
          await this.clock.sleep(this.pausedUntil - now);
          continue;
        }
        const wait = this.waitForRoomMs(now);
        if (wait === 0) {
          this.next()!();
        } else if (wait > 0) {
          await this.clock.sleep(wait);
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

function validLimits(limit: RateLimit | readonly RateLimit[]): RateLimit[] {
  const limits = Array.isArray(limit) ? [...(limit as readonly RateLimit[])] : [limit as RateLimit];
  if (limits.length === 0) throw new RangeError("rateLimit: at least one window");
  for (const l of limits) {
    if (!Number.isInteger(l.requests) || l.requests < 1 || !(l.perMs > 0)) {
      throw new RangeError("rateLimit: requests must be a positive integer and perMs positive");
    }
  }
  return limits;
}

/** `35/min, 20/2s` */
export function describeLimits(limits: readonly RateLimit[]): string {
  return limits
    .map((l) => {
      if (l.perMs === 60_000) return `${l.requests}/min`;
      if (l.perMs % 1000 === 0) return `${l.requests}/${l.perMs / 1000}s`;
      return `${l.requests}/${l.perMs}ms`;
    })
    .join(", ");
}

const sharedLimiters = new Map<string, RateLimiter>();

/**
 * CPS counts requests per account "regardless of the number of users or API credentials", so every
 * client in the process that talks to the same account — the same API host and `accountSwitchKey`
 * — shares one limiter, whatever its client token. A client configured with other windows (a test,
 * a tool with its own settings) gets its own. The key is a hash: nothing readable is kept.
 */
export function sharedRateLimiter(
  account: { host: string; accountKey?: string },
  limit: RateLimit | readonly RateLimit[],
  clock: LimiterClock,
  /** Separate budgets per API (CPS, Edge DNS, the active-certificates extra budget). */
  scope = "cps",
): RateLimiter {
  const windows = validLimits(limit)
    .map((l) => `${l.requests}/${l.perMs}`)
    .join(",");
  const key = createHash("sha256").update(`${scope}\n${account.host}\n${account.accountKey ?? ""}\n${windows}`).digest("hex");
  let limiter = sharedLimiters.get(key);
  if (limiter === undefined) {
    limiter = new RateLimiter(limit, clock);
    sharedLimiters.set(key, limiter);
  }
  return limiter;
}
