import { isNotFound } from "./api";
import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import { type Deployment, type Deployments, deploymentSchema, deploymentsSchema } from "./schemas/deployment";
import { requirePositiveId } from "./validate";

/** Deployments family (akamai-apis apis/cps/v2/enrollments.yaml, `/enrollments/{enrollmentId}/deployments…`). */

export async function listDeployments(ctx: CpsContext, enrollmentId: number): Promise<Deployments> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  const response = await ctx.transport.send({ method: "GET", path: `/cps/v2/enrollments/${id}/deployments`, accept: MediaType.deployments });
  return parseResponse(deploymentsSchema, response, "GET");
}

export function getProductionDeployment(ctx: CpsContext, enrollmentId: number): Promise<Deployment | undefined> {
  return getNetworkDeployment(ctx, enrollmentId, "production");
}

export function getStagingDeployment(ctx: CpsContext, enrollmentId: number): Promise<Deployment | undefined> {
  return getNetworkDeployment(ctx, enrollmentId, "staging");
}

/** Nothing deployed on that network yet → 404 → undefined. */
async function getNetworkDeployment(ctx: CpsContext, enrollmentId: number, network: "production" | "staging"): Promise<Deployment | undefined> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  try {
    const response = await ctx.transport.send({ method: "GET", path: `/cps/v2/enrollments/${id}/deployments/${network}`, accept: MediaType.deployment });
    return parseResponse(deploymentSchema, response, "GET");
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}
