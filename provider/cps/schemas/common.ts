import { z } from "zod";
import { parseTrailingId } from "../ids";

/**
 * Building blocks for response schemas. Responses are tolerant where the real API drifts
 * (e.g. the akamai-apis examples against their schemas, test/emulator/contract.ts DEVIATIONS): open strings for statuses/enums, string-or-number ids, string booleans in
 * change-management-info v5, `ocspStapling` spellings. Unknown members are kept (looseObject).
 */

/** An enum CPS may extend at any time: any string. */
export const openString = z.string();

/** `id` is `"10001"` in v11 examples and `10001` elsewhere. */
export const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform((value) => Number(value));

/** `true`/`false`, or the strings `"true"`/`"false"` (any case) of change-management-info v5. */
export const looseBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((value) => value.toLowerCase() === "true"),
]);

/**
 * `ocspStapling`: `on|off|not-set` (enrollment, deployment v8, CM info v6) but `True|False|not-set`
 * in deployment v7 / CM info v5. Normalised to the current spelling; unknown values kept.
 */
export const ocspStapling = z.string().transform((value): "on" | "off" | "not-set" | (string & {}) => {
  const lower = value.toLowerCase();
  if (lower === "true" || lower === "on") return "on";
  if (lower === "false" || lower === "off") return "off";
  if (lower === "not-set" || lower === "not_set") return "not-set";
  return value;
});

export const nullableString = z.string().nullish();

/** `{ "change": "<path>" }` (change-id.v1), answer of cancel/update/schedule calls. */
export const changeIdSchema = z.looseObject({ change: z.string() });

/** `{ "enrollment": "<path>", "changes": ["<path>"] }` (enrollment-status.v1). */
export const enrollmentStatusSchema = z
  .looseObject({ enrollment: z.string(), changes: z.array(z.string()).nullish() })
  .transform((body) => ({
    enrollmentId: parseTrailingId(body.enrollment),
    changeIds: (body.changes ?? []).map(parseTrailingId),
  }));
export type EnrollmentStatusResult = { enrollmentId: number; changeIds: number[] };
