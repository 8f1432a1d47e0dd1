import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import { type ActiveCertificates, activeCertificatesSchema } from "./schemas/active-certificates";
import { requireContractId } from "./validate";

/**
 * GET /active-certificates. Akamai limits it to 10 requests per minute per account, on top of the
 * general budget (https://techdocs.akamai.com/cps/reference/rate-limiting), hence its own limiter.
 */
export async function listActiveCertificates(ctx: CpsContext, contractId: string): Promise<ActiveCertificates> {
  const contract = requireContractId(contractId);
  const response = await ctx.transport.send({
    method: "GET",
    path: "/cps/v2/active-certificates",
    query: [["contractId", contract]],
    accept: MediaType.activeCertificates,
    extraLimiter: ctx.activeCertificatesLimiter,
  });
  return parseResponse(activeCertificatesSchema, response, "GET");
}
