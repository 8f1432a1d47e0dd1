/** zod pieces shared by several resources' inputs. */
import { z } from "zod";
import { parseDuration } from "./check-failures";
import { KNOWN_WARNING_IDS } from "../lifecycle/warnings";

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

export const enrollmentIdInput = z.coerce
  .number({ message: "must be a CPS enrollment id (a positive integer)" })
  .int({ message: "must be a CPS enrollment id (a positive integer)" })
  .positive({ message: "must be a CPS enrollment id (a positive integer)" });

/** A union's own message: zod reports a failed union as a bare "Invalid input" otherwise. */
const scheduleDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: "must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T00:00:00Z, or a date, e.g. 2026-12-01",
});

export const scheduleInput = z
  .object({
    notBefore: scheduleDate.optional(),
    notAfter: scheduleDate.optional(),
  })
  .strict()
  .refine((s) => !s.notBefore || !s.notAfter || Date.parse(s.notBefore) < Date.parse(s.notAfter), {
    message: "notBefore must be earlier than notAfter",
    path: ["notAfter"],
  });

export function timeoutMs(value: string | number | undefined, fallbackMs: number): number {
  return value === undefined ? fallbackMs : (parseDuration(value) ?? fallbackMs);
}
