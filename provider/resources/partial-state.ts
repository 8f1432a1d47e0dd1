/**
 * Errors after a CPS object exists must keep it in Pulumi state: the dynamic-provider host turns an
 * error carrying `id` and `properties` into ErrorResourceInitFailed, the engine records the
 * resource, and the next `pulumi up` resumes (Diff/Update) instead of creating a duplicate.
 * It carries the code of the error it wraps (`Unexpected` for one that is not a CodedError), and
 * the engine shows `reasons`, which is its message with the pointer to docs/troubleshooting.md.
 */
import { CpsApiError } from "../cps";
import { codeOf, CodedError, plainMessage } from "./coded-error";
import { hintFor } from "./error-hints";

export class PartialStateError extends CodedError {
  override readonly name: string = "PartialStateError";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  constructor(id: string, properties: Record<string, unknown>, cause: unknown) {
    super(codeOf(cause), describeError(cause), { cause });
    this.id = id;
    this.properties = properties;
    this.reasons = [this.message];
  }
}

/** A message for the user, without the pointer: API errors already carry title/detail/request id; keep stack traces out. */
export function describeError(e: unknown): string {
  if (e instanceof CpsApiError) return e.plainMessage + (hintFor(e) ?? "");
  return plainMessage(e);
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
