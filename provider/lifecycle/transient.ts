/**
 * Errors worth trying again at the resource level: the HTTP client already retried idempotent
 * calls, but it does not retry POSTs on 5xx or mid-request resets (the request may have been
 * applied). Where the resource knows a POST is safe to repeat or to check first, it uses this.
 */
import { CpsApiError, CpsNetworkError } from "../cps";

export function isTransient(e: unknown): boolean {
  if (e instanceof CpsApiError) return e.status >= 500 || e.status === 429;
  return e instanceof CpsNetworkError;
}
