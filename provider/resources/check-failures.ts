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
  for (const issue of error.issues) {
    const property = propertyPath(issue.path) || "(inputs)";
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
