import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import {
  type CertificateHistory,
  certificateHistorySchema,
  type ChangeHistory,
  changeHistorySchema,
  type DvHistory,
  dvHistorySchema,
} from "./schemas/history";
import { optionalBoolean, requirePositiveId } from "./validate";

/** History family (akamai-apis apis/cps/v2/enrollments.yaml, `/enrollments/{enrollmentId}/history/…`). */

export async function getDvHistory(ctx: CpsContext, enrollmentId: number): Promise<DvHistory> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  const response = await ctx.transport.send({ method: "GET", path: `/cps/v2/enrollments/${id}/dv-history`, accept: MediaType.dvHistory });
  return parseResponse(dvHistorySchema, response, "GET");
}

/** `includeAll` lifts the default truncation (six certificates) of the newer API. */
export async function getCertificateHistory(ctx: CpsContext, enrollmentId: number, opts: { includeAll?: boolean } = {}): Promise<CertificateHistory> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  const includeAll = optionalBoolean("includeAll", opts.includeAll);
  const response = await ctx.transport.send({
    method: "GET",
    path: `/cps/v2/enrollments/${id}/history/certificates`,
    query: [["includeAll", includeAll === true ? true : undefined]],
    accept: MediaType.certificateHistory,
  });
  return parseResponse(certificateHistorySchema, response, "GET");
}

export async function getChangeHistory(ctx: CpsContext, enrollmentId: number, opts: { includeAll?: boolean } = {}): Promise<ChangeHistory> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  const includeAll = optionalBoolean("includeAll", opts.includeAll);
  const response = await ctx.transport.send({
    method: "GET",
    path: `/cps/v2/enrollments/${id}/history/changes`,
    query: [["includeAll", includeAll === true ? true : undefined]],
    accept: MediaType.changeHistory,
  });
  return parseResponse(changeHistorySchema, response, "GET");
}
