import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import { changePath } from "./changes";
import { type DeploymentSchedule, deploymentScheduleRequestSchema, deploymentScheduleSchema } from "./schemas/change";
import { optionalDeployDate, parseInput, requirePositiveId } from "./validate";
import { scheduleLanded } from "./landed";

/** Deployment schedule of a change (akamai-apis apis/cps/v2/enrollments.yaml, `…/changes/{changeId}/deployment-schedule`). */

export async function getDeploymentSchedule(ctx: CpsContext, enrollmentId: number, changeId: number): Promise<DeploymentSchedule> {
  const path = `${changePath(requirePositiveId("enrollmentId", enrollmentId), requirePositiveId("changeId", changeId))}/deployment-schedule`;
  const response = await ctx.transport.send({ method: "GET", path, accept: MediaType.deploymentSchedule });
  return parseResponse(deploymentScheduleSchema, response, "GET");
}

export async function updateDeploymentSchedule(ctx: CpsContext, enrollmentId: number, changeId: number, schedule: DeploymentSchedule): Promise<void> {
  const path = `${changePath(requirePositiveId("enrollmentId", enrollmentId), requirePositiveId("changeId", changeId))}/deployment-schedule`;
  const body = parseInput("schedule", deploymentScheduleRequestSchema, {
    notBefore: schedule.notBefore ?? null,
    notAfter: schedule.notAfter ?? null,
  });
  if (body.notBefore !== null) optionalDeployDate("schedule.notBefore", body.notBefore);
  if (body.notAfter !== null) optionalDeployDate("schedule.notAfter", body.notAfter);
  await ctx.transport.send({ method: "PUT", path, accept: MediaType.changeId, contentType: MediaType.deploymentSchedule, body, landed: scheduleLanded(ctx, path, body) });
}
