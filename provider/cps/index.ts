/** CPS v2 API client layer: everything other layers may import from provider/cps. */
export { CpsClient, type CpsClientOptions, type CpsClientInternals } from "./client";
export { CodedError, ERROR_CODES, FORMER_CODES, codeOf, plainMessage, troubleshootingLink, type ErrorCode } from "./coded-error";
export { type CpsApi, type EdgeDnsApi, type EdgeHostnamesApi, isNotFound, latestChangeId } from "./api";
export { CpsApiError, CpsChangeError, CpsConfigError, CpsInputError, CpsNetworkError, CpsResponseError } from "./errors";
export { parseTrailingId, parseChangeLocation, cpsContractId } from "./ids";
export { MediaType, essence as mediaTypeEssence } from "./media-types";
export { resolveCredentials, normaliseHost, DEFAULT_MAX_BODY, type EdgeGridCredentials, type CredentialOptions } from "./credentials";
export { parseEdgerc } from "./edgerc";
export { EdgeGridSigner, edgeGridTimestamp, type SignableRequest, type SigningCredentials } from "./signer";
export {
  RateLimiter,
  sharedRateLimiter,
  accountLimits,
  describeLimits,
  DEFAULT_RATE_LIMIT,
  DEFAULT_BUDGET_SHARE,
  ACCOUNT_MINUTE_LIMIT,
  ACCOUNT_SHORT_LIMIT,
  ACTIVE_CERTIFICATES_LIMIT,
  type RateLimit,
  type LimiterClock,
  type RequestPriority,
  type BudgetState,
} from "./rate-limiter";
export { withRequestContext, currentRequestContext, deadlineIn, type RequestContext, type WaitHints } from "./request-context";
export { CpsBudgetTimeoutError } from "./budget-error";
export { DEFAULT_BUDGET_WAIT_MS } from "./budget-wait";
export { DEFAULT_RETRY, TRANSIENT_ACK_MAX_ATTEMPTS, backoffDelayMs, parseRetryAfterHeader, parseRetryAfterDetail, retrying, type RetryPolicy, type RetryOptions } from "./retry";
export type { LogFn, LogLevel, TransportClock } from "./transport";
export { AllowedInputType } from "./allowed-inputs";
export { changeFailure, assertChangeNotFailed } from "./changes";
export type { CreateEnrollmentRequest, UpdateEnrollmentRequest, RemoveEnrollmentRequest, EnrollmentChangeResult } from "./enrollments";
export { EdgeDnsClient } from "./edge-dns";
export { EdgeHostnamesClient, papiId } from "./edge-hostnames";
export * from "./schemas";
export { isCreationThrottle } from "./creation-queue";
