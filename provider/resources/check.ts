/** The shared shape of every resource's `check`: zod parse, one failure per property, unknowns tolerated. */
import type { z } from "zod";
import { Progress, progressFor } from "../lifecycle/progress";
import { CheckFailure, failuresFromZod, inputErrorMap } from "./check-failures";
import { asGiven, canonicalInputs } from "./deprecated-inputs";
import { controlCharacterFailures } from "./strict-inputs";
import { coveredByUnknown, stripUnknowns } from "./unknowns";
import { CodedError } from "./coded-error";

/** Keys the SDK adds to every resource's inputs; not user inputs. */
export const INTERNAL_KEYS = ["__provider", "__cpsName", "__cpsStack"] as const;

export function userInputs(news: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) if (!(INTERNAL_KEYS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

export function checkWith(schema: z.ZodType, news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  // Deprecated input names are checked under their current name; both given is a failure.
  const canonical = canonicalInputs(schema, userInputs(news));
  const { value, unknownPaths } = stripUnknowns(canonical.props);
  const parsed = schema.safeParse(value, { error: inputErrorMap });
  const failures = [...canonical.failures, ...(parsed.success ? [] : failuresFromZod(parsed.error).filter((f) => !coveredByUnknown(f.property, unknownPaths)))].map((f) =>
    asGiven(f, canonical.givenAs),
  );
  // Every string, whatever the resource: no control characters reach CPS, a CA or a terminal.
  for (const f of controlCharacterFailures(value).map((g) => asGiven(g, canonical.givenAs))) if (!failures.some((g) => g.property === f.property)) failures.push(f);
  return { inputs: news, failures };
}

/** Parse inputs that passed check (throws with the same messages otherwise). */
export function parseInputs<S extends z.ZodType>(schema: S, props: Record<string, unknown>): z.output<S> {
  const canonical = canonicalInputs(schema, userInputs(props));
  const parsed = schema.safeParse(canonical.props, { error: inputErrorMap });
  if (!parsed.success || canonical.failures.length > 0) {
    const failures = [...canonical.failures, ...(parsed.success ? [] : failuresFromZod(parsed.error))];
    throw new CodedError("BadInput", "Invalid inputs:\n" + failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n"));
  }
  return parsed.data;
}

/** Pick the keys of an object schema's shape from a props bag (state holds inputs and outputs together). */
export function pickKeys(props: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (props[k] !== undefined) out[k] = props[k];
  return out;
}

/** Progress lines for the resource whose inputs these are (the SDK passes its name as `__cpsName`). */
export function progressOf(props: Record<string, unknown>, fallback: string): Progress {
  return progressFor(typeof props.__cpsName === "string" ? props.__cpsName : fallback);
}
