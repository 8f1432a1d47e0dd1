import * as https from "node:https";
import * as tls from "node:tls";
import type { IncomingHttpHeaders } from "node:http";
import { CpsApiError, CpsNetworkError, TLS_VERIFY_ERROR } from "./errors";
import type { EdgeGridCredentials } from "./credentials";
import { EdgeGridSigner } from "./signer";
import type { BudgetState, RateLimiter, ReleaseSlot } from "./rate-limiter";
import { BudgetWait } from "./budget-wait";
import { SharedReads } from "./shared-reads";
import { currentRequestContext } from "./request-context";
import {
  backoffDelayMs,
  MAX_RETRY_AFTER_MS,
  parseRetryAfterDetail,
  parseRetryAfterHeader,
  type RetryPolicy,
  TRANSIENT_ACK_MAX_ATTEMPTS,
} from "./retry";
import { problemRequestId, problemSchema } from "./schemas/problem";
import { isJsonMediaType } from "./media-types";

export type LogLevel = "debug" | "info" | "warn";
export type LogFn = (level: LogLevel, message: string) => void;
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";
export type QueryValue = string | number | boolean | undefined;

/** Time and randomness, injectable so tests assert on counts and order, never on wall time. */
export interface TransportClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  nonce(): string;
}

export interface TransportOptions {
  credentials: EdgeGridCredentials;
  /** Extra trusted CA certificate(s) in PEM, added to Node's bundled roots (the local emulator). */
  caCertPem?: string;
  limiter: RateLimiter;
  retry: RetryPolicy;
  log: LogFn;
  requestTimeoutMs: number;
  clock: TransportClock;
  userAgent?: string;
}

export interface ApiRequest {
  method: HttpMethod;
  /** Absolute path (`/cps/v2/...`), optionally already carrying a query string (hypermedia links). */
  path: string;
  query?: Array<[string, QueryValue]>;
  accept: string;
  contentType?: string;
  /** Serialised as JSON. */
  body?: unknown;
  /** Acknowledgement POSTs: retry a bounded number of transient 404/409 answers. */
  retryTransientAck?: boolean;
  /** A second budget this operation must also respect (e.g. /active-certificates, 10/min). */
  extraLimiter?: RateLimiter;
  /**
   * Non-GET only: how to tell, by reading live state, whether this request was applied when its answer
   * was lost (a 5xx, or a connection dropped after the request was written). Returns the answer that
   * stands for what landed, or undefined when it provably did not land (then it is sent again).
   * Without it such a request is never resent.
   */
  landed?: LandedCheck;
}

/**
 * What landed, as the answer the request would have had (`body` is serialised as JSON); undefined when
 * it provably did not land; "unknown" when the live state cannot tell (then the request is not resent).
 */
export type LandedCheck = () => Promise<{ status: number; body?: unknown } | undefined | "unknown">;

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Request line target as sent (path + query), for error messages. */
  target: string;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Connection errors that happen before a byte of the request is written: safe to retry a POST. */
const PRE_WRITE_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

/** Node's codes for "the chain ends at a CA this process does not trust" (not a hostname mismatch). */
const UNTRUSTED_CA = new Set(["SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"]);

function untrustedCaHint(code: string): string {
  return UNTRUSTED_CA.has(code)
    ? " (the API's TLS certificate is signed by a CA this machine does not trust: for a private CA, such as the CPS emulator's ca.pem, set the caCertPath setting, i.e. `pulumi config set pulumi-akamai-cps:caCertPath <file>` or PULUMI_AKAMAI_CPS_CA_CERT_PATH)"
    : "";
}

/** Node's socket error before it becomes a CpsNetworkError (internal: never leaves this file). */
class NetworkError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signed HTTPS requests to one Akamai API host through node:https (no axios and no global
 * interceptors): rate limiting, retries with backoff, problem+json errors.
 */
export class Transport {
  readonly baseUrl: string;
  private readonly signer: EdgeGridSigner;
  private readonly agent: https.Agent;
  readonly sharedReads = new SharedReads<ApiResponse>();

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = `https://${options.credentials.host}`;
    this.signer = new EdgeGridSigner(options.credentials, { now: options.clock.now, nonce: options.clock.nonce });
    // An extra CA goes in as one prebuilt secure context, never as the `ca` option: with `ca` the
    // agent parses Node's ~140 bundled roots again for every new TLS connection (~100 ms of CPU
    // each) and folds all of their PEM text into its pool key on every request.
    this.agent = new https.Agent({
      keepAlive: true,
      secureContext: options.caCertPem !== undefined ? secureContextWithExtraCa(options.caCertPem) : undefined,
    });
  }

  /** The account budget's current state (progress lines, diagnostics). */
  get budget(): BudgetState {
    return this.options.limiter.state;
  }

  get budgetPerMinute(): number {
    return this.options.limiter.perMinute;
  }

  /** Close idle keep-alive sockets (tests, short-lived processes). */
  close(): void {
    this.agent.destroy();
  }

  /** Send with retries; resolves with any 2xx response, throws CpsApiError otherwise. Identical GETs still queued share one request. */
  send(request: ApiRequest): Promise<ApiResponse> {
    if (request.method !== "GET" || request.body !== undefined) return this.sendUnshared(request);
    return this.sharedReads.run(`${request.accept}\n${this.buildTarget(request)}`, (sent) => this.sendUnshared(request, sent));
  }

  private async sendUnshared(request: ApiRequest, sent?: () => void): Promise<ApiResponse> {
    const target = this.buildTarget(request);
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body), "utf8");
    const policy = this.options.retry;
    // Only a GET is resent blindly (as Akamai's Go client does, pkg/session/retries.go): a PUT,
    // DELETE or POST whose answer was lost may have been applied, and a second PUT /enrollments can
    // cancel the change the first one opened. Those are resent only when `landed` proves they did not land.
    const idempotent = request.method === "GET";
    const maxAttempts = Math.max(1, policy.maxAttempts);
    const startedAt = this.options.clock.now();
    const context = currentRequestContext();
    const priority = context.priority ?? (request.method === "GET" ? "poll" : "action");
    const budget = new BudgetWait(this.options, request, target, context);
    // `attempt` counts answers that may call for a retry (5xx, network errors, transient acks);
    // 429s are not among them: a request turned away was not handled, it waits its turn instead.
    for (let attempt = 1; ; ) {
      let reason: string;
      let suggestedMs: number | undefined;
      let failure: Error;
      let retryable: boolean;
      // The slot is held until the answer is in: the server counts the request on arrival, which
      // can be any time up to then (see RateLimiter.reserve).
      let release: ReleaseSlot | undefined;
      try {
        budget.noticeIfQueued();
        release = await this.options.limiter.reserve({ retry: attempt > 1 || budget.rateLimited > 0, priority });
        if (request.extraLimiter !== undefined) await request.extraLimiter.acquire({ priority });
        sent?.();
        const raw = await this.once(request, target, body);
        release();
        if (raw.status >= 200 && raw.status < 300) {
          this.options.limiter.succeeded();
          // An action of ours: the wait it belongs to reads the change afresh and polls short again.
          if (request.method !== "GET" && context.wait !== undefined) context.wait.actions++;
          return { ...raw, target };
        }
        const error = this.toApiError(request.method, target, raw);
        if (raw.status === 429) {
          await budget.afterRateLimited(error);
          continue;
        }
        failure = error;
        reason = `HTTP ${raw.status}${error.title !== undefined ? ` ${error.title}` : ""}`;
        suggestedMs = error.retryAfterMs;
        if (raw.status >= 500) {
          retryable = idempotent;
          if (!idempotent) {
            const landed = await this.afterLostAnswer(request, target, reason, attempt, maxAttempts, error);
            if (landed !== undefined) return landed;
            retryable = true; // it provably did not land
          }
        } else if ((raw.status === 404 || raw.status === 409) && request.retryTransientAck === true) {
          retryable = attempt < TRANSIENT_ACK_MAX_ATTEMPTS;
          reason += " (acknowledgement not accepted yet; CPS answers this briefly after a status change)";
        } else {
          retryable = false;
        }
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        failure = new CpsNetworkError({ errno: error.code, method: request.method, path: target, reason: error.message + untrustedCaHint(error.code) });
        reason = `network error ${error.code}`;
        // A certificate that fails verification will fail the same way again.
        retryable = !TLS_VERIFY_ERROR.test(error.code) && (idempotent || PRE_WRITE_ERRORS.has(error.code));
        if (!retryable && !idempotent && !TLS_VERIFY_ERROR.test(error.code)) {
          release?.(); // the reads below take slots of their own
          const landed = await this.afterLostAnswer(request, target, reason, attempt, maxAttempts, failure);
          if (landed !== undefined) return landed;
          retryable = true; // it provably did not land
        }
      } finally {
        release?.();
      }
      if (!retryable || attempt >= maxAttempts) throw afterAttempts(failure, attempt, this.options.clock.now() - startedAt);
      if (suggestedMs !== undefined && suggestedMs > MAX_RETRY_AFTER_MS) throw afterAttempts(failure, attempt, this.options.clock.now() - startedAt);
      const delay = suggestedMs ?? backoffDelayMs(attempt, policy, this.options.clock.random);
      this.options.log(
        "debug",
        `retrying ${request.method} ${target} after ${reason} (attempt ${attempt + 1} of ${maxAttempts}) in ${delay} ms` + (suggestedMs !== undefined ? " as the server asked" : ""),
      );
      await this.options.clock.sleep(delay);
      attempt++;
    }
  }

  /**
   * A non-GET's answer was lost: read what landed. Returns the answer standing for it, or undefined
   * when it provably did not land; throws `failure` when there is no way to tell or no attempt left.
   */
  private async afterLostAnswer(request: ApiRequest, target: string, reason: string, attempt: number, maxAttempts: number, failure: Error): Promise<ApiResponse | undefined> {
    if (request.landed === undefined) throw failure;
    this.options.log("debug", `${request.method} ${target}: ${reason}; the request may have been applied, reading what landed before deciding`);
    const landed = await request.landed();
    if (landed === "unknown") throw failure;
    if (landed !== undefined) {
      this.options.log("info", `${request.method} ${target}: the answer was lost (${reason}) but the request was applied; continuing with what landed`);
      return { status: landed.status, headers: {}, text: landed.body === undefined ? "" : JSON.stringify(landed.body), target };
    }
    if (attempt >= maxAttempts) throw failure;
    this.options.log("debug", `${request.method} ${target}: it did not land; sending it again`);
    return undefined;
  }

  private buildTarget(request: ApiRequest): string {
    const pairs: Array<[string, string]> = [];
    for (const [name, value] of request.query ?? []) {
      if (value !== undefined) pairs.push([name, String(value)]);
    }
    if (this.options.credentials.accountKey !== undefined) pairs.push(["accountSwitchKey", this.options.credentials.accountKey]);
    if (pairs.length === 0) return request.path;
    const query = pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join("&");
    return `${request.path}${request.path.includes("?") ? "&" : "?"}${query}`;
  }

  private once(request: ApiRequest, target: string, body: Buffer | undefined): Promise<RawResponse> {
    const headers: Record<string, string> = {
      Accept: request.accept,
      "User-Agent": this.options.userAgent ?? "pulumi-akamai-cps",
    };
    if (body !== undefined) {
      headers["Content-Type"] = request.contentType ?? "application/json";
      headers["Content-Length"] = String(body.length);
    }
    headers.Authorization = this.signer.authorization({
      method: request.method,
      scheme: "https",
      host: this.options.credentials.host,
      pathAndQuery: target,
      headers,
      body,
    });
    const { hostname, port } = splitHost(this.options.credentials.host);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = https.request(
        {
          method: request.method,
          host: hostname,
          port,
          path: target,
          headers: { ...headers, Host: this.options.credentials.host },
          agent: this.agent,
          timeout: this.options.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", (error: NodeJS.ErrnoException) => reject(new NetworkError(error.code ?? "ERESPONSE", error.message)));
        },
      );
      req.on("timeout", () => req.destroy(new NetworkError("ETIMEDOUT", `no response within ${this.options.requestTimeoutMs} ms`)));
      req.on("error", (error: NodeJS.ErrnoException) => reject(new NetworkError(error.code ?? "ENETWORK", error.message)));
      req.end(body);
    });
  }

  private toApiError(method: string, target: string, raw: RawResponse): CpsApiError {
    let parsed: unknown;
    try {
      parsed = raw.text.trim() === "" ? undefined : JSON.parse(raw.text);
    } catch {
      parsed = undefined;
    }
    const problem = problemSchema.safeParse(parsed);
    const headerValue = raw.headers["retry-after"];
    const fromHeader = parseRetryAfterHeader(Array.isArray(headerValue) ? headerValue[0] : headerValue, this.options.clock.now());
    if (!problem.success) {
      return new CpsApiError({
        status: raw.status,
        method,
        path: target,
        retryAfterMs: fromHeader,
        bodySnippet: isJsonMediaType(raw.headers["content-type"]) || raw.text.length < 200 ? raw.text.slice(0, 200) : undefined,
      });
    }
    const data = problem.data;
    return new CpsApiError({
      status: raw.status,
      method,
      path: target,
      type: data.type,
      title: data.title,
      detail: data.detail,
      instance: data.instance,
      requestId: problemRequestId(data),
      retryAfterMs: fromHeader ?? parseRetryAfterDetail(data.detail),
      problem: data,
    });
  }
}

const secureContexts = new Map<string, tls.SecureContext>();

/** Node's bundled roots plus `caCertPem`, built once per distinct PEM per process. */
function secureContextWithExtraCa(caCertPem: string): tls.SecureContext {
  let context = secureContexts.get(caCertPem);
  if (context === undefined) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, caCertPem] });
    secureContexts.set(caCertPem, context);
  }
  return context;
}

function splitHost(host: string): { hostname: string; port: number | undefined } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  if (match === null) return { hostname: host, port: undefined };
  const hostname = match[1]!.replace(/^\[|\]$/g, "");
  return { hostname, port: match[2] !== undefined ? Number(match[2]) : undefined };
}

/** A failure after retries says how many attempts were made over how long (one attempt: unchanged). */
function afterAttempts(failure: Error, attempts: number, elapsedMs: number): Error {
  if (attempts > 1) failure.message += ` (after ${attempts} attempts over ${(elapsedMs / 1000).toFixed(1)} s)`;
  return failure;
}
