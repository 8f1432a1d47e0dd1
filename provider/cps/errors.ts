/**
 * The six error types callers of the CPS client can catch. None of them ever carries a secret:
 * messages name the missing/invalid item, never a credential value, and whatever a server sent
 * back (problem details, body snippets, network error texts) is redacted (redact.ts) before it is
 * stored in an error — a proxy that reflects the Authorization header leaks nothing.
 */
import { redact, redactDeep } from "./redact";

/** A CPS (or Akamai API gateway) request that answered with a non-2xx status. */
export class CpsApiError extends Error {
  override readonly name = "CpsApiError";
  readonly status: number;
  readonly type?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly instance?: string;
  /** Gateway family `requestId`, or the `?id=` of a CPS family `instance` URL. */
  readonly requestId?: string;
  readonly method: string;
  /** Path (and query) of the failed request, without the host. */
  readonly path: string;
  /** Server-suggested wait (Retry-After header or "Retry after: N seconds" detail). */
  readonly retryAfterMs?: number;
  /** The whole problem body as received (unknown members kept). */
  readonly problem?: Record<string, unknown>;

  constructor(init: {
    status: number;
    method: string;
    path: string;
    type?: string;
    title?: string;
    detail?: string;
    instance?: string;
    requestId?: string;
    retryAfterMs?: number;
    problem?: Record<string, unknown>;
    bodySnippet?: string;
  }) {
    init = {
      ...init,
      path: redact(init.path),
      ...(init.type !== undefined ? { type: redact(init.type) } : {}),
      ...(init.title !== undefined ? { title: redact(init.title) } : {}),
      ...(init.detail !== undefined ? { detail: redact(init.detail) } : {}),
      ...(init.instance !== undefined ? { instance: redact(init.instance) } : {}),
      ...(init.requestId !== undefined ? { requestId: redact(init.requestId) } : {}),
      ...(init.bodySnippet !== undefined ? { bodySnippet: redact(init.bodySnippet) } : {}),
      ...(init.problem !== undefined ? { problem: redactDeep(init.problem) } : {}),
    };
    const summary = [init.title, init.detail].filter((part) => part !== undefined && part !== "").join(": ");
    const fallback = summary !== "" ? summary : (init.bodySnippet ?? "").trim();
    const requestIdPart = init.requestId !== undefined ? ` (request id ${init.requestId})` : "";
    super(`${init.method} ${init.path} failed: ${init.status}${fallback !== "" ? ` ${fallback}` : ""}${requestIdPart}`);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.type = init.type;
    this.title = init.title;
    this.detail = init.detail;
    this.instance = init.instance;
    this.requestId = init.requestId;
    this.retryAfterMs = init.retryAfterMs;
    this.problem = init.problem;
  }
}

/** A change whose status reports `state: "error"`: surfaced with CPS's own error code and text. */
export class CpsChangeError extends Error {
  override readonly name = "CpsChangeError";
  readonly enrollmentId: number;
  readonly changeId: number;
  readonly code?: string;
  readonly description?: string;
  readonly timestamp?: string;
  readonly status?: string;

  constructor(init: { enrollmentId: number; changeId: number; code?: string; description?: string; timestamp?: string; status?: string }) {
    if (init.description !== undefined) init = { ...init, description: redact(init.description) };
    const what = [init.code, init.description].filter((part) => part !== undefined && part !== "").join(": ");
    super(
      `CPS change ${init.changeId} of enrollment ${init.enrollmentId} failed` +
        (init.status !== undefined ? ` in status ${init.status}` : "") +
        (what !== "" ? `: ${what}` : ""),
    );
    this.enrollmentId = init.enrollmentId;
    this.changeId = init.changeId;
    this.code = init.code;
    this.description = init.description;
    this.timestamp = init.timestamp;
    this.status = init.status;
  }
}

/** Missing or malformed credentials/configuration. Names the item, never its value. */
export class CpsConfigError extends Error {
  override readonly name = "CpsConfigError";
  constructor(message: string, options?: ErrorOptions) {
    super(redact(message), options);
  }
}

/** Bad input to a client method, detected before any request is sent. */
export class CpsInputError extends Error {
  override readonly name = "CpsInputError";
  readonly field: string;
  constructor(field: string, message: string) {
    super(redact(`${field}: ${message}`));
    this.field = field;
  }
}

/** No HTTP answer: connection refused/reset, DNS failure, TLS failure or timeout. */
export class CpsNetworkError extends Error {
  override readonly name = "CpsNetworkError";
  readonly code: string;
  readonly method: string;
  readonly path: string;
  constructor(init: { code: string; method: string; path: string; reason: string }) {
    super(redact(`${init.method} ${init.path} failed: ${init.reason}`));
    this.code = init.code;
    this.method = init.method;
    this.path = redact(init.path);
  }
}

/** The server answered 2xx but the body does not match the expected schema. */
export class CpsResponseError extends Error {
  override readonly name = "CpsResponseError";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  constructor(init: { method: string; path: string; status: number; reason: string }) {
    super(redact(`${init.method} ${init.path} returned an unexpected body (${init.status}): ${init.reason}`));
    this.method = init.method;
    this.path = redact(init.path);
    this.status = init.status;
  }
}
