/**
 * Fault injection in front of the API server (CPS and Edge DNS), seeded and deterministic: the same
 * seed and the same sequence of requests give the same faults. Most faults happen before the
 * request is handled (latency, 429, 5xx, a reset connection). Two model what Akamai's own sources
 * report of the real service:
 * - lost answers: the request IS applied, then the gateway answers 500 `forward-origin-error` or the
 *   connection drops (Akamai's Go client retries GETs only for this reason:
 *   https://github.com/akamai/AkamaiOPEN-edgegrid-golang/blob/master/pkg/session/retries.go);
 * - a transient 404 on the warning info of a change that still offers that input
 *   (https://github.com/akamai/terraform-provider-akamai/issues/648).
 * "Stuck" changes live in the engine (`stick`/`release`), not here.
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
  /** This percentage of requests (of `methods`) is applied, then answered 500 `forward-origin-error` or reset. */
  lostAnswers: z.strictObject({ percent: z.number().min(0).max(100), answer: z.enum(["error", "reset"]) }),
  /** Targeted lost answers: the next `times` requests of `method` whose path matches `path` (a regex) are applied, then lost. */
  lostAnswerRules: z.array(z.strictObject({ method: z.string().min(1), path: z.string().min(1), times: z.number().int().positive(), answer: z.enum(["error", "reset"]) })),
  /** The first `reads` GETs of each change's pre-/post-verification warning info answer 404 not-found (0 = off). */
  warningInfo404: z.strictObject({ reads: z.number().int().nonnegative() }),
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
  lostAnswers: faultConfigSchema.shape.lostAnswers.partial().optional(),
  lostAnswerRules: faultConfigSchema.shape.lostAnswerRules.optional(),
  warningInfo404: faultConfigSchema.shape.warningInfo404.partial().optional(),
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
  lostAnswers: { percent: 0, answer: "error" },
  lostAnswerRules: [],
  warningInfo404: { reads: 0 },
};

/** Akamai's realistic profile: what its sources report of the real service, on top of the defaults. */
export const REALISTIC_FAULTS: FaultPatch = {
  // Terraform provider issue #648: the 404 happens intermittently; two reads is enough to exercise it.
  warningInfo404: { reads: 2 },
};

export interface FaultCounters {
  requests: number;
  delayed: number;
  errors: number;
  rateLimited: number;
  resets: number;
  lostAnswers: number;
  warningInfo404: number;
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
  readonly counters: FaultCounters = { requests: 0, delayed: 0, errors: 0, rateLimited: 0, resets: 0, lostAnswers: 0, warningInfo404: 0 };
  private readonly warningReads = new Map<string, number>();

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
    this.warningReads.clear();
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
      lostAnswers: { ...c.lostAnswers, ...patch.lostAnswers },
      lostAnswerRules: patch.lostAnswerRules ?? c.lostAnswerRules,
      warningInfo404: { ...c.warningInfo404, ...patch.warningInfo404 },
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
    const warningInfo = (req.method ?? "GET").toUpperCase() === "GET" ? /\/changes\/\d+\/input\/info\/(?:pre|post)-verification-warnings$/.exec(pathOf(req)) : null;
    if (warningInfo && c.warningInfo404.reads > 0) {
      const reads = (this.warningReads.get(warningInfo[0]) ?? 0) + 1;
      this.warningReads.set(warningInfo[0], reads);
      if (reads <= c.warningInfo404.reads) {
        this.counters.warningInfo404++;
        // The body Terraform issue #648 quotes.
        const host = req.headers.host ?? "localhost";
        sendJson(res, 404, {}, {
          type: `https://${host}/cps/v2/error-types/not-found`,
          title: "Not Found",
          detail: "",
          instance: `https://${host}/cps/v2/error-types/not-found?id=${randomBytes(16).toString("hex")}`,
          statusCode: 404,
        });
        return true;
      }
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

  /**
   * Asked once the request was handled (its effect applied): "error" or "reset" when its answer is to
   * be lost instead of sent. Targeted rules first; the seeded draw only when a percentage is set, so
   * the sequences of other faults stay as they were.
   */
  loseAnswer(req: IncomingMessage): "error" | "reset" | undefined {
    const c = this.config;
    const method = (req.method ?? "GET").toUpperCase();
    const path = pathOf(req);
    const rule = c.lostAnswerRules.find((r) => r.times > 0 && r.method.toUpperCase() === method && new RegExp(r.path).test(path));
    if (rule) {
      rule.times--;
      this.counters.lostAnswers++;
      return rule.answer;
    }
    if (c.lostAnswers.percent <= 0) return undefined;
    const applies = c.methods === null || c.methods.map((m) => m.toUpperCase()).includes(method);
    if (applies && this.random() * 100 < c.lostAnswers.percent) {
      this.counters.lostAnswers++;
      return c.lostAnswers.answer;
    }
    return undefined;
  }

  /** Answer a request whose effect was applied as the gateway does when the origin's answer is lost. */
  sendLostAnswer(req: IncomingMessage, res: ServerResponse, kind: "error" | "reset"): void {
    if (kind === "reset") {
      req.socket.destroy();
      return;
    }
    sendJson(res, 500, {}, {
      type: "https://problems.luna.akamaiapis.net/-/resource-impl/forward-origin-error",
      title: "Server Error",
      status: 500,
      detail: "The origin applied the request but its answer was lost (fault injected by the emulator).",
      instance: `https://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
      method: req.method ?? "GET",
      requestId: randomBytes(4).toString("hex"),
    });
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

function pathOf(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0] ?? "/";
}

function sendJson(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
