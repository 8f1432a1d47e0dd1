import { z } from "zod";

/**
 * RFC 7807 problem details, both families (https://github.com/akamai/akamai-apis/blob/HEAD/apis/cps/v2/schemas/problem.yaml): CPS's own (`type` …/error-types/x,
 * `instance` …?id=<hex>, `detail` sometimes absent, e.g. 404 not-found) and the API gateway's
 * (extra `status`, `method`, `requestId`, …). Every member optional; unknown members kept.
 */
export const problemSchema = z.looseObject({
  type: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  status: z.union([z.number(), z.string()]).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The request id of either family: gateway `requestId`, else the CPS `instance` `?id=` value. */
export function problemRequestId(problem: Problem): string | undefined {
  if (problem.requestId !== undefined && problem.requestId !== "") return problem.requestId;
  if (problem.instance === undefined) return undefined;
  const match = /[?&]id=([^&#]+)/.exec(problem.instance);
  return match === null ? undefined : decodeURIComponent(match[1]!);
}
