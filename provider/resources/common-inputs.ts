/** zod pieces shared by several resources' inputs. */
import { z } from "zod";
import { parseDuration, wrongTypeMessage } from "./check-failures";
import { KNOWN_WARNING_IDS } from "../lifecycle/warnings";

const DURATION_EXPECTED = 'must be a duration such as "30m", "1h30m" or "90s" (or a positive, finite number of seconds)';

// The union's own error too: NaN, Infinity, null or a boolean otherwise read "Invalid input".
export const durationInput = z.union([z.string(), z.number()], { error: DURATION_EXPECTED }).refine((v) => parseDuration(v) !== undefined, { message: DURATION_EXPECTED });

const WARNING_POLICY_EXPECTED = `"acknowledge-all", "fail" or a list of warning IDs such as ["${KNOWN_WARNING_IDS[0]}"]`;

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
], { error: (issue) => wrongTypeMessage(WARNING_POLICY_EXPECTED, issue.input) });

/** Strict: never coerced (a boolean or a list must not become an id). */
export { enrollmentIdInput } from "./strict-inputs";

const DATE_EXPECTED = "must be an ISO 8601 date-time with an offset, e.g. 2026-12-01T00:00:00Z or 2026-12-01T09:00:00+01:00, or a date such as 2026-12-01";
// One message for the whole union (zod's own for a failed union is only "Invalid input").
const scheduleDate = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: DATE_EXPECTED });

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
