import { z } from "zod";
import { looseBoolean, nullableString, openString } from "./common";

/** `allowedInput[]` entry of a change: follow its `info`/`update` links, never build paths. */
export const allowedInputSchema = z.looseObject({
  type: openString,
  requiredToProceed: looseBoolean,
  info: z.string(),
  update: z.string(),
});
export type AllowedInput = z.output<typeof allowedInputSchema>;

/** `deployment-schedule.v1`, also `statusInfo.deploymentSchedule`. Dates or timestamps. */
export const deploymentScheduleSchema = z.looseObject({
  notBefore: nullableString,
  notAfter: nullableString,
});
export type DeploymentSchedule = z.output<typeof deploymentScheduleSchema>;

/** Request body of PUT deployment-schedule: exactly the two members. */
export const deploymentScheduleRequestSchema = z.strictObject({
  notBefore: z.string().min(1).nullable().default(null),
  notAfter: z.string().min(1).nullable().default(null),
});

/**
 * `change.v2`. `status` and `state` are open strings: Akamai warns the status list changes, and the
 * live API spells `coodinate-domain-validation` (sic) where docs say `coordinate-…`.
 */
export const changeStatusSchema = z.looseObject({
  statusInfo: z.looseObject({
    status: openString,
    state: openString,
    description: z.string().nullish(),
    error: z
      .looseObject({
        code: z.string().nullish(),
        description: z.string().nullish(),
        timestamp: z.string().nullish(),
      })
      .nullish(),
    deploymentSchedule: deploymentScheduleSchema.nullish(),
  }),
  allowedInput: z.array(allowedInputSchema).nullish().transform((inputs) => inputs ?? []),
});
export type ChangeStatus = z.output<typeof changeStatusSchema>;

/** Both spellings of the DV coordination status. */
export const DV_COORDINATION_STATUSES: readonly string[] = ["coodinate-domain-validation", "coordinate-domain-validation"];
