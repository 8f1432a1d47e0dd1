/**
 * Turning zod issues into Pulumi `CheckFailure`s: one per bad property, with the property path
 * users wrote (`sans[3]`, `adminContact.email`) and a message they can act on.
 */
import type { z } from "zod";

export interface CheckFailure {
  property: string;
  reason: string;
}

export function propertyPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

export function failuresFromZod(error: z.ZodError): CheckFailure[] {
  const seen = new Set<string>();
  const failures: CheckFailure[] = [];
  // A value of the wrong type gets that one message: checks that zod still ran on it (an empty list
  // is "empty" text too) would only contradict it.
  const wrongType = new Set(error.issues.filter((i) => i.code === "invalid_type" || i.code === "invalid_union").map((i) => propertyPath(i.path)));
  for (const issue of error.issues) {
    const property = propertyPath(issue.path) || "(inputs)";
    if (wrongType.has(propertyPath(issue.path)) && issue.code !== "invalid_type" && issue.code !== "invalid_union") continue;
    const reason = issue.message;
    const key = `${property}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push({ property, reason });
  }
  return failures;
}

/** Parse Go-style durations ("90s", "20m", "1h30m") or a number of seconds into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const s = value.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === "h" ? n * 3_600_000 : m[2] === "m" ? n * 60_000 : m[2] === "s" ? n * 1000 : n;
  }
  return total > 0 ? total : undefined;
}

/** How a value the user gave reads in a message: its kind, and the value itself when it is short. */
export function describeValue(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return input.length === 0 ? "an empty list" : "a list";
  switch (typeof input) {
    case "string":
      return input.length <= 40 ? `the text ${JSON.stringify(input)}` : `a text of ${input.length} characters`;
    case "number":
      return Number.isFinite(input) ? `the number ${input}` : `the number ${String(input)}`;
    case "boolean":
      return `the boolean ${input}`;
    case "object":
      return "an object";
    default:
      return `a ${typeof input}`;
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object (named fields)",
};

/**
 * The message of an input of the wrong type: `"is required"` only when it is missing, else what is
 * expected and what was given. For schemas that name no expectation of their own.
 */
export function wrongTypeMessage(expected: string, input: unknown, whenMissing = "is required"): string {
  return input === undefined ? whenMissing : `must be ${expected}, not ${describeValue(input)}`;
}

interface RawIssueView {
  readonly code?: string;
  readonly input?: unknown;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly errors?: ReadonlyArray<ReadonlyArray<{ readonly code?: string; readonly expected?: string }>>;
}

/**
 * The parse-wide error map of `check`: zod's defaults say "Invalid input: expected string, received
 * number" or only "Invalid input" (a failed union). Schemas with their own message keep it; this
 * covers every other wrong type, union and choice, so no refusal reads "Invalid input".
 */
export function inputErrorMap(issue: RawIssueView): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return wrongTypeMessage(EXPECTED[issue.expected ?? ""] ?? issue.expected ?? "another kind of value", issue.input);
    case "invalid_union": {
      const kinds = [...new Set((issue.errors ?? []).flatMap((alt) => alt.filter((i) => i.code === "invalid_type").map((i) => EXPECTED[i.expected ?? ""] ?? i.expected ?? "")))].filter(Boolean);
      return wrongTypeMessage(kinds.length > 0 ? kinds.join(" or ") : "one of the accepted forms", issue.input);
    }
    case "invalid_value": {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      const choices = values.length <= 1 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
      return issue.input === undefined ? `is required: one of ${choices}` : `must be one of ${choices}, not ${describeValue(issue.input)}`;
    }
    default:
      return undefined;
  }
}
