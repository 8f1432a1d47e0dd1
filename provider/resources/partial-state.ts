/**
 * Errors after a CPS object exists must keep it in Pulumi state: the dynamic-provider host turns an
 * error carrying `id` and `properties` into ErrorResourceInitFailed, the engine records the
 * resource, and the next `pulumi up` resumes (Diff/Update) instead of creating a duplicate.
 */
import { CpsApiError } from "../cps";
import { hintFor } from "./error-hints";

export class PartialStateError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    const message = describeError(cause);
    super(message);
    this.name = "PartialStateError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}

/** A message for the user: API errors already carry title/detail/request id; keep stack traces out. */
export function describeError(e: unknown): string {
  if (e instanceof CpsApiError) return e.message + (hintFor(e) ?? "");
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Run `fn`; if it throws, rethrow as a partial-state error for resource `id`. */
export async function keepInState<T>(id: string, properties: () => Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PartialStateError) throw e;
    throw new PartialStateError(id, properties(), e);
  }
}
