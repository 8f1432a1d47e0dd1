/**
 * A request that waited for the account's API budget (429s, a full window) longer than the
 * resource's timeout allows. Stable code for scripts; the fix is in docs/troubleshooting.md.
 */
export class CpsBudgetTimeoutError extends Error {
  override readonly name = "CpsBudgetTimeoutError";
  readonly code = "CPS_RATE_LIMIT_TIMEOUT";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly waitedMs: number,
    readonly limits: string,
    readonly rateLimited: number,
  ) {
    super(
      `${method} ${path} was not sent: the account's CPS API budget (${limits}) stayed exhausted for ${Math.round(waitedMs / 1000)} s ` +
        `(${rateLimited} answers 429 Too Many Requests), longer than this resource's timeout allows. Nothing was changed by this request. ` +
        "Run `pulumi up` again, raise the timeout input, or see docs/troubleshooting.md#rate-limits (code CPS_RATE_LIMIT_TIMEOUT).",
    );
  }
}
