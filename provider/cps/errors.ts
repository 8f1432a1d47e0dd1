/**
 * The six error types callers of the CPS client can catch, all CodedErrors (coded-error.ts): each
 * has a stable `code` and ends with its docs/troubleshooting.md section. None of them ever carries a secret:
 * messages name the missing/invalid item, never a credential value, and whatever a server sent
 * back (problem details, body snippets, network error texts) is redacted (redact.ts) before it is
 * stored in an error — a proxy that reflects the Authorization header leaks nothing.
 */
import { CodedError, type ErrorCode } from "./coded-error";
import { redact, redactDeep } from "./redact";

/**
 * The code of an API answer: what the user can do about it differs by status. A 401 "Invalid
 * timestamp" is the gateway refusing this machine's clock
 * (https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid); other 401/403 answers are
 * credentials without access; 409 duplicate-common-name is CPS's refusal of a second enrollment
 * with the name (https://techdocs.akamai.com/cps/reference/post-enrollment, allow-duplicate-cn).
 */
function apiErrorCode(init: { status: number; type?: string; title?: string; detail?: string }): ErrorCode {
  if (init.status === 429) return "RateLimited";
  if (init.status === 401 && /invalid timestamp/i.test(`${init.title ?? ""} ${init.detail ?? ""}`)) return "ClockSkew";
  if (init.status === 401 || init.status === 403) return "CredentialsInvalid";
  if (init.status === 409 && (/duplicate-common-name/.test(init.type ?? "") || /allow-duplicate-cn/i.test(init.detail ?? ""))) return "DuplicateCommonName";
  if (init.status >= 500) return "ServerError";
  return "RequestRefused";
}

/** A CPS (or Akamai API gateway) request that answered with a non-2xx status. */
export class CpsApiError extends CodedError {
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
    super(apiErrorCode(init), `${init.method} ${init.path} failed: ${init.status}${fallback !== "" ? ` ${fallback}` : ""}${requestIdPart}`);
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

/**
 * A change whose status reports `state: "error"`: surfaced with CPS's own error code (`cpsCode`;
 * `init.code` is that code too) and text. Its own `code` is `ChangeFailed`.
 */
export class CpsChangeError extends CodedError {
  override readonly name = "CpsChangeError";
  readonly enrollmentId: number;
  readonly changeId: number;
  /** CPS's error code of the change (`statusInfo.error.code`), e.g. deployment-window-expired. Was `code` before 0.x. */
  readonly cpsCode?: string;
  readonly description?: string;
  readonly timestamp?: string;
  readonly status?: string;

  constructor(init: { enrollmentId: number; changeId: number; code?: string; description?: string; timestamp?: string; status?: string }) {
    if (init.description !== undefined) init = { ...init, description: redact(init.description) };
    const what = [init.code, init.description].filter((part) => part !== undefined && part !== "").join(": ");
    super(
      "ChangeFailed",
      `CPS change ${init.changeId} of enrollment ${init.enrollmentId} failed` +
        (init.status !== undefined ? ` in status ${init.status}` : "") +
        (what !== "" ? `: ${what}` : ""),
    );
    this.enrollmentId = init.enrollmentId;
    this.changeId = init.changeId;
    this.cpsCode = init.code;
    this.description = init.description;
    this.timestamp = init.timestamp;
    this.status = init.status;
  }
}

/**
 * Missing or malformed credentials/configuration. Names the item, never its value. The code says
 * which: `CredentialsMissing` by default, `ProviderSettingInvalid`, `UntrustedCa`, …
 */
export class CpsConfigError extends CodedError {
  override readonly name = "CpsConfigError";
  constructor(message: string, options?: ErrorOptions & { code?: ErrorCode }) {
    const { code, ...errorOptions } = options ?? {};
    super(code ?? "CredentialsMissing", redact(message), errorOptions);
  }
}

/** Bad input to a client method, detected before any request is sent. */
export class CpsInputError extends CodedError {
  override readonly name = "CpsInputError";
  readonly field: string;
  constructor(field: string, message: string) {
    super("BadInput", redact(`${field}: ${message}`));
    this.field = field;
  }
}

/**
 * Node's codes for a TLS certificate this process does not accept (untrusted CA, self-signed,
 * expired, hostname mismatch): https://nodejs.org/api/tls.html#x509-certificate-error-codes.
 */
export const TLS_VERIFY_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/**
 * No HTTP answer: connection refused/reset, DNS failure, TLS failure or timeout. `errno` is Node's
 * error code (ECONNREFUSED, CERT_HAS_EXPIRED, …; was `code` before 0.x); `code` is `UntrustedCa`
 * for a TLS certificate error, `Unreachable` otherwise.
 */
export class CpsNetworkError extends CodedError {
  override readonly name = "CpsNetworkError";
  readonly errno: string;
  readonly method: string;
  readonly path: string;
  constructor(init: { errno: string; method: string; path: string; reason: string }) {
    super(TLS_VERIFY_ERROR.test(init.errno) ? "UntrustedCa" : "Unreachable", redact(`${init.method} ${init.path} failed: ${init.reason}`));
    this.errno = init.errno;
    this.method = init.method;
    this.path = redact(init.path);
  }
}

/** The server answered 2xx but the body does not match the expected schema. */
export class CpsResponseError extends CodedError {
  override readonly name = "CpsResponseError";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  constructor(init: { method: string; path: string; status: number; reason: string }) {
    super("UnexpectedResponse", redact(`${init.method} ${init.path} returned an unexpected body (${init.status}): ${init.reason}`));
    this.method = init.method;
    this.path = redact(init.path);
    this.status = init.status;
  }
}
