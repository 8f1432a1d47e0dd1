/**
 * Every operation of a resource runs with its timeout input as the bound on waiting for the
 * account's API budget, and its progress reporter as the place to say so: a create, update or
 * delete never fails on a 429, it waits its turn until the resource's own timeout (see
 * docs/troubleshooting.md#rate-limits).
 */
import { deadlineIn, withRequestContext } from "../cps";
import { progressOf } from "./check";
import { timeoutMs } from "./common-inputs";

type Props = Record<string, unknown>;

/** The resources' timeout inputs, in the order they bound an operation; 30 minutes without any. */
const TIMEOUT_INPUTS = ["timeout", "waitTimeout", "deleteTimeout"] as const;
const FALLBACK_MS = 30 * 60_000;
/**
 * Diffs and reads (preview, refresh) wait for budget at most this long: they fall back to state
 * with a warning rather than hold a preview for a resource's whole timeout.
 */
export const READ_BUDGET_WAIT_MS = 2 * 60_000;

type Operation = "create" | "update" | "delete" | "read";

function operationTimeoutMs(props: Props, key: Operation): number {
  if (key === "read") return READ_BUDGET_WAIT_MS;
  const names = key === "delete" ? ["deleteTimeout", ...TIMEOUT_INPUTS] : TIMEOUT_INPUTS;
  for (const name of names) {
    const value = props[name];
    if (typeof value === "string" || typeof value === "number") return timeoutMs(value, FALLBACK_MS);
  }
  return FALLBACK_MS;
}

/**
 * Run one resource operation bounded by the timeout of `props`, printing budget waits as its
 * progress; `perMinute` is the client's budget a minute, for pacing polls.
 */
export function withBudgetBounds<T>(props: Props, key: Operation, fn: () => Promise<T>, perMinute: () => number): Promise<T> {
  const progress = progressOf(props, "cps");
  return withRequestContext({ deadline: deadlineIn(operationTimeoutMs(props, key)), notify: (line) => progress(line), requestsPerMinute: () => budgetPerMinute(perMinute) }, fn);
}

/** The client's budget a minute; unknown (no pacing) when there is no client (credentials missing). */
function budgetPerMinute(perMinute: () => number): number {
  try {
    return perMinute();
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
