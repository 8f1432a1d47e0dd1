/** zod pieces shared by several resources' inputs. */
import { z } from "zod";
import { parseDuration } from "./check-failures";
import { KNOWN_WARNING_IDS } from "../lifecycle/warnings";
import { ISO_DATE_TIME } from "./strict-inputs";

export const durationInput = z
  .union([z.string(), z.number()])
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'must be a duration such as "30m", "1h30m" or "90s" (or a number of seconds)',
  });

/** `"acknowledge-all"`, `"fail"`, or a list of warning IDs. */
export const warningPolicyInput = z.union([
  z.enum(["acknowledge-all", "fail"]),
  z
    .array(
      z
        .string()
        .regex(/^[A-Z0-9_]+$/, {
          message: `must be a warning ID in upper case, e.g. ${KNOWN_WARNING_IDS.slice(0, 2).join(", ")}, or an UNKNOWN_xxxxxxxx ID from an earlier error message`,
        }),
    )
    .max(200),
]);

/** Strict: never coerced (a boolean or a list must not become an id). */
export { enrollmentIdInput } from "./strict-inputs";

const dateTimeInput = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { message: `must be ${ISO_DATE_TIME} (or a date such as 2026-12-01)` });

export const scheduleInput = z
  .object({
    notBefore: dateTimeInput.optional(),
    notAfter: dateTimeInput.optional(),
  })
  .strict()
  .refine((s) => !s.notBefore || !s.notAfter || Date.parse(s.notBefore) < Date.parse(s.notAfter), {
    message: "notBefore must be earlier than notAfter",
    path: ["notAfter"],
  });

export function timeoutMs(value: string | number | undefined, fallbackMs: number): number {
  return value === undefined ? fallbackMs : (parseDuration(value) ?? fallbackMs);
}
