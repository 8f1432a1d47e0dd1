/**
 * CPS's request budget, enforced per account as Akamai documents it
 * (https://techdocs.akamai.com/cps/reference/rate-limiting): at most 35 requests a minute plus 20
 * per 2 seconds per account, "regardless of the number of users or API credentials", and
 * `GET /active-certificates` 10 a minute on top. An account is the `accountSwitchKey` of the
 * request, or the API client's own account without one.
 *
 * Over budget the answer is 429 in the two shapes Akamai publishes, alternating: the OpenAPI
 * example (https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/newer/examples/429.json —
 * a detail ending "Retry after: N seconds.", here with a `Retry-After: N` header too) and the
 * techdocs page's (a header printed `Retry-After-`, which no client can use, and a detail without
 * seconds). Turned-away requests do not count against the windows.
 *
 * `otherTenant` simulates another user of the same account (Control Center, another team's
 * scripts): it sends `requestsPerMinute` evenly spread requests, which take slots like ours.
 *
 * Windows run on the emulator's clock, so a compressed clock compresses the budget with CPS's steps;
 * Retry-After is in real seconds (what a client can wait), at least 1.
 */
import type { IncomingMessage, ServerResponse } from "http";
import { z } from "zod";

const windowSchema = z.strictObject({ requests: z.number().int().positive(), perMs: z.number().int().positive() });

export const accountBudgetConfigSchema = z.strictObject({
  /** Default true: the budget is what Akamai documents. Tests that are not about limits turn it off. */
  enabled: z.boolean(),
  /** Every window applies at once. Default 35 per 60 s and 20 per 2 s. */
  windows: z.array(windowSchema).min(1),
  /** The extra budget of `GET /active-certificates`. Default 10 per 60 s. */
  activeCertificates: windowSchema,
  /** Requests a minute another user of every account sends (0 = none, the default). */
  otherTenant: z.strictObject({ requestsPerMinute: z.number().nonnegative() }),
});
export type AccountBudgetConfig = z.infer<typeof accountBudgetConfigSchema>;

export const accountBudgetPatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  windows: accountBudgetConfigSchema.shape.windows.optional(),
  activeCertificates: windowSchema.optional(),
  otherTenant: accountBudgetConfigSchema.shape.otherTenant.optional(),
});
export type AccountBudgetPatch = z.infer<typeof accountBudgetPatchSchema>;

export const DEFAULT_ACCOUNT_BUDGET: AccountBudgetConfig = {
  enabled: true,
  windows: [
    { requests: 35, perMs: 60_000 },
    { requests: 20, perMs: 2_000 },
  ],
  activeCertificates: { requests: 10, perMs: 60_000 },
  otherTenant: { requestsPerMinute: 0 },
};

/** The account's own API client when the request names no `accountSwitchKey`. */
export const OWN_ACCOUNT = "(own account)";

interface AccountState {
  /** Arrival times of counted requests (ours and the other tenant's), oldest first. */
  counted: number[];
  activeCertificates: number[];
  /** The other tenant's next request time. */
  tenantNext: number;
  requests: number;
  rateLimited: number;
  tenantRequests: number;
  /** Per emulator-time minute (ISO start): requests and 429s. */
  minutes: Map<string, { requests: number; rateLimited: number }>;
}

export interface AccountReport {
  account: string;
  requests: number;
  rateLimited: number;
  /** Requests the simulated other tenant sent. */
  otherTenantRequests: number;
  minutes: Array<{ minute: string; requests: number; rateLimited: number }>;
}

export class AccountBudget {
  private config: AccountBudgetConfig;
  private readonly accounts = new Map<string, AccountState>();
  /** Alternates the two published 429 shapes. */
  private shape = 0;

  constructor(
    initial: AccountBudgetPatch = {},
    private readonly now: () => number,
    /** Emulator-time ms → real ms (the clock's time scale). */
    private readonly toRealMs: (emulatorMs: number) => number = (ms) => ms,
  ) {
    this.config = DEFAULT_ACCOUNT_BUDGET;
    this.config = this.merged(initial);
  }

  get current(): AccountBudgetConfig {
    return JSON.parse(JSON.stringify(this.config)) as AccountBudgetConfig;
  }

  /** Merge a patch (windows are replaced whole); counting starts again. */
  configure(patch: AccountBudgetPatch): AccountBudgetConfig {
    this.config = this.merged(patch);
    for (const state of this.accounts.values()) {
      state.counted = [];
      state.activeCertificates = [];
      state.tenantNext = this.now();
    }
    return this.current;
  }

  report(): AccountReport[] {
    return [...this.accounts.entries()].map(([account, s]) => ({
      account,
      requests: s.requests,
      rateLimited: s.rateLimited,
      otherTenantRequests: s.tenantRequests,
      minutes: [...s.minutes.entries()].map(([minute, m]) => ({ minute, ...m })),
    }));
  }

  /** Forget the counts (the report), keeping the configuration. */
  resetReport(): void {
    this.accounts.clear();
  }

  private merged(patch: AccountBudgetPatch): AccountBudgetConfig {
    const c = this.config;
    return accountBudgetConfigSchema.parse({
      enabled: patch.enabled ?? c.enabled,
      windows: patch.windows ?? c.windows,
      activeCertificates: patch.activeCertificates ?? c.activeCertificates,
      otherTenant: patch.otherTenant ?? c.otherTenant,
    });
  }

  /** The API server's hook for CPS requests: true when answered 429 here. Every request is counted. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? "/", "https://emulator");
    if (!url.pathname.startsWith("/cps/")) return false;
    const account = url.searchParams.get("accountSwitchKey") ?? OWN_ACCOUNT;
    const now = this.now();
    const state = this.stateOf(account, now);
    state.requests++;
    const minute = this.minuteOf(state, now);
    minute.requests++;
    if (!this.config.enabled) return false;
    this.runOtherTenant(state, now);
    const longest = Math.max(...this.config.windows.map((w) => w.perMs), this.config.activeCertificates.perMs);
    while (state.counted.length > 0 && state.counted[0]! <= now - longest) state.counted.shift();
    let waitMs = this.waitMs(state.counted, this.config.windows, now);
    const isActiveCertificates = url.pathname === "/cps/v2/active-certificates";
    if (isActiveCertificates) {
      state.activeCertificates = state.activeCertificates.filter((t) => t > now - this.config.activeCertificates.perMs);
      waitMs = Math.max(waitMs, this.waitMs(state.activeCertificates, [this.config.activeCertificates], now));
    }
    if (waitMs === 0) {
      state.counted.push(now);
      if (isActiveCertificates) state.activeCertificates.push(now);
      return false;
    }
    state.rateLimited++;
    minute.rateLimited++;
    this.send429(req, res, account, Math.max(1, Math.ceil(this.toRealMs(waitMs) / 1000)));
    return true;
  }

  private stateOf(account: string, now: number): AccountState {
    let state = this.accounts.get(account);
    if (state === undefined) {
      state = { counted: [], activeCertificates: [], tenantNext: now, requests: 0, rateLimited: 0, tenantRequests: 0, minutes: new Map() };
      this.accounts.set(account, state);
    }
    return state;
  }

  private minuteOf(state: AccountState, now: number): { requests: number; rateLimited: number } {
    const key = new Date(Math.floor(now / 60_000) * 60_000).toISOString();
    let minute = state.minutes.get(key);
    if (minute === undefined) {
      minute = { requests: 0, rateLimited: 0 };
      state.minutes.set(key, minute);
    }
    return minute;
  }

  /** The other tenant's requests up to now, each taking a slot when one is free (its own 429s are its problem). */
  private runOtherTenant(state: AccountState, now: number): void {
    const perMinute = this.config.otherTenant.requestsPerMinute;
    if (perMinute <= 0) return;
    const every = 60_000 / perMinute;
    // Never replay more than a window of history (a long idle period).
    const longest = Math.max(...this.config.windows.map((w) => w.perMs));
    if (state.tenantNext < now - longest) state.tenantNext = now - longest;
    while (state.tenantNext <= now) {
      const at = state.tenantNext;
      const window = state.counted.filter((t) => t > at - longest);
      if (this.waitMs(window, this.config.windows, at) === 0) {
        // Keep `counted` sorted: the tenant's past arrival goes before any later one of ours.
        const index = state.counted.findIndex((t) => t > at);
        if (index === -1) state.counted.push(at);
        else state.counted.splice(index, 0, at);
        state.tenantRequests++;
      }
      state.tenantNext += every;
    }
  }

  /** 0 when one more request at `now` fits every window; else ms until it does. */
  private waitMs(counted: readonly number[], windows: ReadonlyArray<{ requests: number; perMs: number }>, now: number): number {
    let wait = 0;
    for (const w of windows) {
      const inWindow = counted.filter((t) => t > now - w.perMs && t <= now);
      const over = inWindow.length - w.requests;
      if (over >= 0) wait = Math.max(wait, inWindow[over]! + w.perMs - now);
    }
    return wait;
  }

  private send429(req: IncomingMessage, res: ServerResponse, account: string, seconds: number): void {
    const instance = `https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
    const openApiShape = this.shape++ % 2 === 0;
    const headers: Record<string, string> = openApiShape ? { "Retry-After": String(seconds) } : { "Retry-After-": String(seconds) };
    const body = {
      type: "429 Too Many Requests",
      title: "Too Many Requests",
      status: 429,
      detail: openApiShape ? `You have exhausted your API Request Quota. Retry after: ${seconds} seconds.` : `You have exhausted your API Request Quota using Account: ${account}`,
      instance,
    };
    const payload = JSON.stringify(body);
    res.writeHead(429, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(payload), ...headers });
    res.end(payload);
  }
}
