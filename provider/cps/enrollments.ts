import { CpsApiError, CpsInputError } from "./errors";
import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import type { ApiResponse, QueryValue } from "./transport";
import { enrollmentStatusSchema, type EnrollmentStatusResult } from "./schemas/common";
import {
  type Enrollment,
  type EnrollmentRequest,
  type EnrollmentRequestBody,
  enrollmentRequestSchema,
  enrollmentSchema,
} from "./schemas/enrollment";
import { z } from "zod";
import { CREATION_WINDOW_MS, queuedCreation } from "./creation-queue";
import { enrollmentRemovalLanded, enrollmentUpdateLanded, pendingBefore } from "./landed";
import { optionalBoolean, optionalDeployDate, parseInput, requireContractId, requirePositiveId } from "./validate";

/** Enrollments family: list, get, create, update, remove (akamai-apis apis/cps/v2/enrollments.yaml, `/enrollments…`). */

export interface CreateEnrollmentRequest {
  contractId: string;
  enrollment: EnrollmentRequest;
  allowDuplicateCn?: boolean;
  deployNotBefore?: string;
  deployNotAfter?: string;
}

export interface UpdateEnrollmentRequest {
  enrollmentId: number;
  enrollment: EnrollmentRequest;
  allowCancelPendingChanges?: boolean;
  allowStagingBypass?: boolean;
  forceRenewal?: boolean;
  renewalDateCheckOverride?: boolean;
  allowMissingCertificateAddition?: boolean;
  deployNotBefore?: string;
  deployNotAfter?: string;
  /**
   * The changes pending when the caller last read the enrollment. Only used to tell, if the answer to
   * the PUT is lost, which change it opened; without it the enrollment is read just before the PUT.
   */
  pendingChangeIds?: readonly number[];
}

export interface RemoveEnrollmentRequest {
  enrollmentId: number;
  allowCancelPendingChanges?: boolean;
  deployNotBefore?: string;
  deployNotAfter?: string;
}

export type EnrollmentChangeResult = EnrollmentStatusResult & { httpStatus: 200 | 202 };

const ENROLLMENTS = "/cps/v2/enrollments";

export async function listEnrollments(ctx: CpsContext, contractId: string): Promise<Enrollment[]> {
  const contract = requireContractId(contractId);
  const response = await withEnrollmentVersion(ctx, (version) =>
    ctx.transport.send({
      method: "GET",
      path: ENROLLMENTS,
      query: [["contractId", contract]],
      accept: version === 12 ? MediaType.enrollmentsV12 : MediaType.enrollmentsV11,
    }),
  );
  // Each element on its own: one enrollment (another team's) in a shape this package does not know
  // must not block every create that lists the contract first. It is skipped and reported once.
  const list = parseResponse(enrollmentListSchema, response, "GET").enrollments;
  const parsed: Enrollment[] = [];
  const skipped: string[] = [];
  for (const item of list) {
    const one = enrollmentSchema.safeParse(item);
    if (one.success) parsed.push(one.data);
    else skipped.push(describeSkipped(item, one.error.issues[0]));
  }
  if (skipped.length > 0) {
    const key = `${contract}:${skipped.join(",")}`;
    if (!reportedSkips.has(key)) {
      reportedSkips.add(key);
      ctx.log("warn", `skipped ${skipped.length} enrollment(s) of contract ${contract} in a shape this package does not parse: ${skipped.join("; ")}`);
    }
  }
  return parsed;
}

const enrollmentListSchema = z.looseObject({ enrollments: z.array(z.unknown()) });
const reportedSkips = new Set<string>();

function describeSkipped(item: unknown, issue: z.core.$ZodIssue | undefined): string {
  const location = typeof item === "object" && item !== null && typeof (item as { location?: unknown }).location === "string" ? (item as { location: string }).location : "(no location)";
  return `${location}: ${issue ? `${issue.path.map(String).join(".") || "(root)"} ${issue.message}` : "unparsable"}`;
}

export async function getEnrollment(ctx: CpsContext, enrollmentId: number): Promise<Enrollment> {
  const id = requirePositiveId("enrollmentId", enrollmentId);
  const response = await withEnrollmentVersion(ctx, (version) =>
    ctx.transport.send({ method: "GET", path: `${ENROLLMENTS}/${id}`, accept: enrollmentMediaType(version) }),
  );
  return parseResponse(enrollmentSchema, response, "GET");
}

export async function createEnrollment(ctx: CpsContext, request: CreateEnrollmentRequest): Promise<EnrollmentStatusResult> {
  const contract = requireContractId(request.contractId);
  const body = parseInput("enrollment", enrollmentRequestSchema, request.enrollment);
  const query: Array<[string, QueryValue]> = [
    ["contractId", contract],
    ["deploy-not-after", optionalDeployDate("deployNotAfter", request.deployNotAfter)],
    ["deploy-not-before", optionalDeployDate("deployNotBefore", request.deployNotBefore)],
    ["allow-duplicate-cn", optionalBoolean("allowDuplicateCn", request.allowDuplicateCn)],
  ];
  const queue = { account: ctx.transport.baseUrl, windowMs: ctx.creationWindowMs ?? CREATION_WINDOW_MS, log: ctx.log };
  const response = await queuedCreation(queue, () => withEnrollmentVersion(ctx, (version) =>
    ctx.transport.send({
      method: "POST",
      path: ENROLLMENTS,
      query,
      accept: MediaType.enrollmentStatus,
      contentType: enrollmentMediaType(version),
      body: bodyForVersion(body, version),
    }),
  ));
  return parseResponse(enrollmentStatusSchema, response, "POST");
}

export async function updateEnrollment(ctx: CpsContext, request: UpdateEnrollmentRequest): Promise<EnrollmentChangeResult> {
  const id = requirePositiveId("enrollmentId", request.enrollmentId);
  const body = parseInput("enrollment", enrollmentRequestSchema, request.enrollment);
  const query: Array<[string, QueryValue]> = [
    ["allow-cancel-pending-changes", optionalBoolean("allowCancelPendingChanges", request.allowCancelPendingChanges)],
    ["allow-staging-bypass", optionalBoolean("allowStagingBypass", request.allowStagingBypass)],
    ["deploy-not-after", optionalDeployDate("deployNotAfter", request.deployNotAfter)],
    ["deploy-not-before", optionalDeployDate("deployNotBefore", request.deployNotBefore)],
    ["force-renewal", optionalBoolean("forceRenewal", request.forceRenewal)],
    ["renewal-date-check-override", optionalBoolean("renewalDateCheckOverride", request.renewalDateCheckOverride)],
    ["allow-missing-certificate-addition", optionalBoolean("allowMissingCertificateAddition", request.allowMissingCertificateAddition)],
  ];
  // What was pending before: if the answer is lost, a change that appeared since is the one this PUT opened.
  const before = request.pendingChangeIds ?? (await pendingBefore(ctx, id));
  const response = await withEnrollmentVersion(ctx, (version) =>
    ctx.transport.send({
      method: "PUT",
      path: `${ENROLLMENTS}/${id}`,
      query,
      accept: MediaType.enrollmentStatus,
      contentType: enrollmentMediaType(version),
      body: bodyForVersion(body, version),
      landed: enrollmentUpdateLanded(ctx, id, before),
    }),
  );
  return { ...parseResponse(enrollmentStatusSchema, response, "PUT"), httpStatus: okOrAccepted(response) };
}

export async function removeEnrollment(ctx: CpsContext, request: RemoveEnrollmentRequest): Promise<EnrollmentChangeResult> {
  const id = requirePositiveId("enrollmentId", request.enrollmentId);
  const query: Array<[string, QueryValue]> = [
    ["allow-cancel-pending-changes", optionalBoolean("allowCancelPendingChanges", request.allowCancelPendingChanges)],
    ["deploy-not-after", optionalDeployDate("deployNotAfter", request.deployNotAfter)],
    ["deploy-not-before", optionalDeployDate("deployNotBefore", request.deployNotBefore)],
  ];
  const response = await ctx.transport.send({ method: "DELETE", path: `${ENROLLMENTS}/${id}`, query, accept: MediaType.enrollmentStatus, landed: enrollmentRemovalLanded(ctx, id) });
  return { ...parseResponse(enrollmentStatusSchema, response, "DELETE"), httpStatus: okOrAccepted(response) };
}

function enrollmentMediaType(version: 11 | 12): string {
  return version === 12 ? MediaType.enrollmentV12 : MediaType.enrollmentV11;
}

/** 200 = nothing new to issue; 202 = CPS started a change. Other 2xx are read as 202 (async). */
function okOrAccepted(response: ApiResponse): 200 | 202 {
  return response.status === 200 ? 200 : 202;
}

/**
 * Run with the negotiated enrollment version; on 406/415 for v12, switch this client to v11 for
 * good and try exactly once more.
 */
async function withEnrollmentVersion(ctx: CpsContext, send: (version: 11 | 12) => Promise<ApiResponse>): Promise<ApiResponse> {
  const version = ctx.negotiated.enrollmentVersion;
  try {
    return await send(version);
  } catch (error) {
    if (version === 12 && error instanceof CpsApiError && (error.status === 406 || error.status === 415)) {
      ctx.negotiated.enrollmentVersion = 11;
      ctx.log("info", `CPS rejected enrollment.v12 (${error.status}); using enrollment.v11 from now on for this client`);
      return send(11);
    }
    throw error;
  }
}

/**
 * The body for the negotiated version. `preferredTrustChain` is omitted when unset: the v12 schema
 * says CPS rejects null (apis/cps/v2/newer/schemas/enrollment.v12.yaml), and Akamai's Go client
 * omits it. v11 has no `fipsMode`; `orgId` stays an integer (Akamai's v11 schema and Go client).
 */
function bodyForVersion(input: EnrollmentRequestBody, version: 11 | 12): unknown {
  const { preferredTrustChain, ...csr } = input.csr;
  const body = { ...input, csr: preferredTrustChain == null ? csr : { ...csr, preferredTrustChain } };
  if (version === 12) return body;
  const { fipsMode, ...networkConfiguration } = body.networkConfiguration;
  if (fipsMode === true) {
    throw new CpsInputError("enrollment.networkConfiguration.fipsMode", "needs enrollment.v12, but this CPS endpoint only accepts enrollment.v11");
  }
  return { ...body, networkConfiguration };
}
