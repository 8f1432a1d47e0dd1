/**
 * What the resource and lifecycle layers depend on: the CPS operations, not the HTTP client that
 * implements them (as edgegrid-golang's pkg/cps has `type CPS interface` beside its client, so that
 * callers can be tested against a mock:
 * https://github.com/akamai/AkamaiOPEN-edgegrid-golang/blob/master/pkg/cps/cps.go). `CpsClient`
 * implements it; test/support/fake-cps.ts is an in-memory one with scripted changes.
 *
 * What a 404 means, once for every caller: the thing the request names (an enrollment, a change, a
 * deployment on one network, a record set, an edge hostname) does not exist now. The client already
 * retries CPS's brief 404 on acknowledgement POSTs right after a status change (retry.ts); any 404
 * that reaches a caller is an answer, never a transient failure. Operations whose callers only ever
 * treat "absent" as a value return `undefined` for it (`findEnrollment`, the deployment reads,
 * `edgeDns.getRecordSet`, `edgeHostnames.get`) or count it as done (the record set and edge hostname
 * deletes); the others throw a `CpsApiError` that `isNotFound` recognises.
 */
import { CpsApiError } from "./errors";
import type { CreateEnrollmentRequest, EnrollmentChangeResult, RemoveEnrollmentRequest, UpdateEnrollmentRequest } from "./enrollments";
import type { EdgeDnsClient } from "./edge-dns";
import type { EdgeHostnamesClient } from "./edge-hostnames";
import type { EnrollmentStatusResult } from "./schemas/common";
import type { Enrollment } from "./schemas/enrollment";
import type { AllowedInput, ChangeStatus, DeploymentSchedule } from "./schemas/change";
import type { ChangeManagementInfo, DvChallenges } from "./schemas/allowed-input";
import type { Deployment, Deployments } from "./schemas/deployment";
import type { CertificateHistory, ChangeHistory, DvHistory } from "./schemas/history";
import type { ActiveCertificates } from "./schemas/active-certificates";

/** The Edge DNS record set operations (config-dns v2) on the CPS credentials. */
export type EdgeDnsApi = Pick<EdgeDnsClient, "getRecordSet" | "createRecordSet" | "updateRecordSet" | "deleteRecordSet">;
/** The secure edge hostname operations (PAPI create/read/list, HAPI delete) on the CPS credentials. */
export type EdgeHostnamesApi = Pick<EdgeHostnamesClient, "create" | "get" | "list" | "delete">;

/** The CPS v2 operations (https://techdocs.akamai.com/cps/reference/api-summary) the provider uses. */
export interface CpsApi {
  /** The API host's base URL (identifies the account together with the account switch key). */
  readonly baseUrl: string;
  readonly edgeDns: EdgeDnsApi;
  readonly edgeHostnames: EdgeHostnamesApi;
  /** The account budget applied now, e.g. "17/min, 20/2s". */
  readonly budget: string;
  /** Requests a minute the budget allows now: waits pace their polls by it. */
  readonly requestsPerMinute: number;
  /** Enrollment media-type version negotiated (12, or 11 after a 406). */
  readonly enrollmentVersion: 11 | 12;

  /** Every enrollment of a contract (one call serves many resources: see live-enrollments.ts). */
  listEnrollments(contractId: string): Promise<Enrollment[]>;
  /** The enrollment; throws a CpsApiError with status 404 when it does not exist. */
  getEnrollment(enrollmentId: number): Promise<Enrollment>;
  /** The enrollment, or undefined when CPS answers 404 (deleted, or never existed). */
  findEnrollment(enrollmentId: number): Promise<Enrollment | undefined>;
  createEnrollment(req: CreateEnrollmentRequest): Promise<EnrollmentStatusResult>;
  updateEnrollment(req: UpdateEnrollmentRequest): Promise<EnrollmentChangeResult>;
  removeEnrollment(req: RemoveEnrollmentRequest): Promise<EnrollmentChangeResult>;

  /** The change status; with `throwOnError`, `state: "error"` throws a CpsChangeError. 404: the change is gone. */
  getChangeStatus(enrollmentId: number, changeId: number, opts?: { throwOnError?: boolean }): Promise<ChangeStatus>;
  cancelChange(enrollmentId: number, changeId: number): Promise<void>;
  getDeploymentSchedule(enrollmentId: number, changeId: number): Promise<DeploymentSchedule>;
  updateDeploymentSchedule(enrollmentId: number, changeId: number, value: DeploymentSchedule): Promise<void>;

  getDvChallenges(input: AllowedInput): Promise<DvChallenges>;
  acknowledgeDvChallenges(input: AllowedInput): Promise<void>;
  getPreVerificationWarnings(input: AllowedInput): Promise<string>;
  acknowledgePreVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void>;
  getPostVerificationWarnings(input: AllowedInput): Promise<string>;
  acknowledgePostVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void>;
  getChangeManagementInfo(input: AllowedInput): Promise<ChangeManagementInfo>;
  getChangeDeploymentInfo(input: AllowedInput): Promise<Deployment>;
  acknowledgeChangeManagement(input: AllowedInput, ack: "acknowledge" | "deny", hash?: string): Promise<void>;
  getThirdPartyCsrs(input: AllowedInput): Promise<Array<{ keyAlgorithm: "RSA" | "ECDSA" | (string & {}); csr: string }>>;
  uploadThirdPartyCertificates(input: AllowedInput, certs: Array<{ keyAlgorithm: "RSA" | "ECDSA"; certificate: string; trustChain?: string }>): Promise<void>;

  listDeployments(enrollmentId: number): Promise<Deployments>;
  /** What is on production; undefined when nothing is (CPS answers 404 then, also for an enrollment that is gone). */
  getProductionDeployment(enrollmentId: number): Promise<Deployment | undefined>;
  /** What is on staging; undefined when nothing is (404). */
  getStagingDeployment(enrollmentId: number): Promise<Deployment | undefined>;
  getDvHistory(enrollmentId: number): Promise<DvHistory>;
  getCertificateHistory(enrollmentId: number, opts?: { includeAll?: boolean }): Promise<CertificateHistory>;
  getChangeHistory(enrollmentId: number, opts?: { includeAll?: boolean }): Promise<ChangeHistory>;
  listActiveCertificates(contractId: string): Promise<ActiveCertificates>;
}

/** True for a CPS (or Edge DNS, PAPI) answer 404: the thing the request names does not exist now (see above). */
export function isNotFound(error: unknown): error is CpsApiError {
  return error instanceof CpsApiError && error.status === 404;
}

/**
 * The change a POST/PUT/DELETE on an enrollment started: the newest of the change ids CPS answered
 * (`changes` of enrollment-status-response, https://techdocs.akamai.com/cps/reference/put-enrollment),
 * undefined when it answered none (an update that needs no change).
 */
export function latestChangeId(result: { readonly changeIds: readonly number[] }): number | undefined {
  return result.changeIds.length > 0 ? Math.max(...result.changeIds) : undefined;
}
