import { CodedError } from "./coded-error";

/**
 * A request that waited for the account's API budget (429s, a full window) longer than the
 * resource's timeout allows. Code `RateLimited` (formerly CPS_RATE_LIMIT_TIMEOUT); the fix is in
 * docs/troubleshooting.md#rate-limits.
 */
export class CpsBudgetTimeoutError extends CodedError {
  override readonly name = "CpsBudgetTimeoutError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly waitedMs: number,
    readonly limits: string,
    readonly rateLimited: number,
  ) {
    super(
      "RateLimited",
      `${method} ${path} was not sent: the account's CPS API budget (${limits}) stayed exhausted for ${Math.round(waitedMs / 1000)} s ` +
        `(${rateLimited} answers 429 Too Many Requests), longer than this resource's timeout allows. Nothing was changed by this request. ` +
        "Run `pulumi up` again, or raise the timeout input.",
    );
  }
}
