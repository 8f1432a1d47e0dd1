/**
 * Fault injection in front of the API server (CPS and Edge DNS), seeded and deterministic: the same
 * seed and the same sequence of requests give the same faults. Every fault happens before the
 * request is handled (latency, 429, 5xx, a reset connection), so a fault never leaves half-applied
 * state behind. "Stuck" changes live in the engine (`stick`/`release`), not here.
 */
import type { IncomingMessage, ServerResponse } from "http";
import { randomBytes } from "crypto";
import { z } from "zod";

export const faultConfigSchema = z.strictObject({
  /** Seed of the pseudo-random sequence; setting it (again) restarts the sequence. */
  seed: z.number().int(),
  /** Added to every request before it is handled: `ms` plus a uniform 0..`jitterMs`. */
  latency: z.strictObject({ ms: z.number().nonnegative(), jitterMs: z.number().nonnegative() }),
  /** This percentage of requests answers a gateway `forward-origin-error` with `status`. */
  errors: z.strictObject({ percent: z.number().min(0).max(100), status: z.union([z.literal(500), z.literal(503)]) }),
  /** This percentage of requests answers 429 with `Retry-After: retryAfterSeconds`, regardless of any budget (sporadic throttling). */
  throttles: z.strictObject({ percent: z.number().min(0).max(100), retryAfterSeconds: z.number().int().positive() }),
  /** This percentage of connections is destroyed without an answer. */
  resets: z.strictObject({ percent: z.number().min(0).max(100) }),
  /** Akamai's documented limit is 20 requests per 2 s per client; off unless enabled. */
  rateLimit: z.strictObject({ enabled: z.boolean(), requests: z.number().int().positive(), perMs: z.number().int().positive() }),
  /** Errors and resets only hit these methods (e.g. ["GET"]); null = every method. */
  methods: z.array(z.string().min(1)).nullable(),
});

export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** `PUT /faults` body: any subset, merged member by member over the current configuration. */
export const faultPatchSchema = z.strictObject({
  seed: faultConfigSchema.shape.seed.optional(),
  latency: faultConfigSchema.shape.latency.partial().optional(),
  errors: faultConfigSchema.shape.errors.partial().optional(),
  resets: faultConfigSchema.shape.resets.partial().optional(),
  throttles: faultConfigSchema.shape.throttles.partial().optional(),
  rateLimit: faultConfigSchema.shape.rateLimit.partial().optional(),
  methods: faultConfigSchema.shape.methods.optional(),
});
export type FaultPatch = z.infer<typeof faultPatchSchema>;

export const DEFAULT_FAULTS: FaultConfig = {
  seed: 1,
  latency: { ms: 0, jitterMs: 0 },
  errors: { percent: 0, status: 503 },
  resets: { percent: 0 },
  throttles: { percent: 0, retryAfterSeconds: 1 },
  rateLimit: { enabled: false, requests: 20, perMs: 2000 },
  methods: null,
};

export interface FaultCounters {
  requests: number;
  delayed: number;
  errors: number;
  rateLimited: number;
  resets: number;
}

/** mulberry32: tiny, fast, and good enough to pick which request fails. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clientToken(req: IncomingMessage): string {
  const header = req.headers.authorization ?? "";
  return /client_token=([^;]+)/.exec(header)?.[1] ?? "anonymous";
}

export class FaultInjector {
  private config: FaultConfig;
  private random: () => number;
  private readonly windows = new Map<string, number[]>();
  readonly counters: FaultCounters = { requests: 0, delayed: 0, errors: 0, rateLimited: 0, resets: 0 };

  constructor(
    initial: FaultPatch = {},
    private readonly now: () => number = Date.now,
  ) {
    this.config = DEFAULT_FAULTS;
    this.config = this.merged(initial);
    this.random = prng(this.config.seed);
  }

  get current(): FaultConfig {
    return JSON.parse(JSON.stringify(this.config)) as FaultConfig;
  }

  /** Merge a patch; the sequence restarts from the (possibly new) seed so runs are reproducible. */
  configure(patch: FaultPatch): FaultConfig {
    this.config = this.merged(patch);
    this.random = prng(this.config.seed);
    this.windows.clear();
    return this.current;
  }

  private merged(patch: FaultPatch): FaultConfig {
    const c = this.config;
    return faultConfigSchema.parse({
      seed: patch.seed ?? c.seed,
      latency: { ...c.latency, ...patch.latency },
      errors: { ...c.errors, ...patch.errors },
      resets: { ...c.resets, ...patch.resets },
      throttles: { ...c.throttles, ...patch.throttles },
      rateLimit: { ...c.rateLimit, ...patch.rateLimit },
      methods: patch.methods === undefined ? c.methods : patch.methods,
    });
  }

  /**
   * The API server's `before` hook: true when the request was answered (or its connection dropped)
   * here. Draws from the sequence in a fixed order so a given seed always picks the same requests.
   */
  async before(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const c = this.config;
    this.counters.requests++;
    const latencyDraw = this.random();
    const resetDraw = this.random();
    const errorDraw = this.random();
    const delay = c.latency.ms + Math.floor(latencyDraw * c.latency.jitterMs);
    if (delay > 0) {
      this.counters.delayed++;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    const applies = c.methods === null || c.methods.map((m) => m.toUpperCase()).includes((req.method ?? "GET").toUpperCase());
    // The 5xx draw also picks throttled requests (the band above the error band): seeds keep their sequences.
    const throttled = applies && errorDraw * 100 >= c.errors.percent && errorDraw * 100 < c.errors.percent + c.throttles.percent;
    const retryAfter = this.rateLimited(req) ?? (throttled ? c.throttles.retryAfterSeconds : undefined);
    if (retryAfter !== undefined) {
      this.counters.rateLimited++;
      sendJson(res, 429, { "Retry-After": String(retryAfter) }, {
        // Akamai's 429 example body, `type` included (akamai-apis apis/cps/v2/examples/429.json)
        type: "429 Too Many Requests",
        title: "Too Many Requests",
        status: 429,
        detail: `You have exhausted your API Request Quota. Retry after: ${retryAfter} seconds.`,
        instance: `https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
      });
      return true;
    }
    if (applies && resetDraw * 100 < c.resets.percent) {
      this.counters.resets++;
      req.socket.destroy();
      return true;
    }
    if (applies && errorDraw * 100 < c.errors.percent) {
      this.counters.errors++;
      const status = c.errors.status;
      sendJson(res, status, {}, {
        type: "https://problems.luna.akamaiapis.net/-/resource-impl/forward-origin-error",
        title: status === 503 ? "Service Unavailable" : "Server Error",
        status,
        detail: "The origin server did not answer as expected (fault injected by the emulator).",
        instance: `https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
        method: req.method ?? "GET",
        requestId: randomBytes(4).toString("hex"),
      });
      return true;
    }
    return false;
  }

  /** Seconds to wait when this client is over its budget, else undefined (and the request is counted). */
  private rateLimited(req: IncomingMessage): number | undefined {
    const limit = this.config.rateLimit;
    if (!limit.enabled) return undefined;
    const token = clientToken(req);
    const now = this.now();
    const recent = (this.windows.get(token) ?? []).filter((t) => t > now - limit.perMs);
    if (recent.length >= limit.requests) {
      this.windows.set(token, recent);
      return Math.max(1, Math.ceil(((recent[0] as number) + limit.perMs - now) / 1000));
    }
    recent.push(now);
    this.windows.set(token, recent);
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
