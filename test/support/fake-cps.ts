/**
 * An in-memory CpsApi with scripted changes, for decision tests that run in milliseconds: the
 * resource operations take a ResourceContext (provider/resources/define-resource.ts), and
 * `fakeContext` builds one around this fake instead of the shared HTTP client.
 *
 * What it models, as CPS answers it (https://techdocs.akamai.com/cps/reference/api-summary):
 * enrollments listed per contract; a 404 (CpsApiError) for anything deleted or unknown; changes with
 * a status, allowed inputs and warnings; deployments per network; and faults a test scripts:
 * a POST whose answer is lost after it landed (CpsNetworkError), 409s. Every request is recorded
 * (`requests`), so a test can assert the one that was *not* sent.
 */
import {
  type AllowedInput,
  changeManagementInfoSchema,
  type ChangeStatus,
  changeStatusSchema,
  CpsApiError,
  type CpsApi,
  CpsNetworkError,
  type CreateEnrollmentRequest,
  type Deployment,
  deploymentSchema,
  type EdgeDnsApi,
  type EdgeHostnameItem,
  type EdgeHostnamesApi,
  type Enrollment,
  type EnrollmentChangeResult,
  enrollmentSchema,
  type RemoveEnrollmentRequest,
  type UpdateEnrollmentRequest,
} from "../../provider/cps";
import type { ResourceContext } from "../../provider/resources/define-resource";
import type { Progress } from "../../provider/lifecycle/progress";
import { fixedResolvers } from "../../provider/lifecycle/dns-propagation";

/** A change as the test scripts it. */
export interface FakeChange {
  status: string;
  state?: string;
  changeType?: string;
  /** Allowed inputs by type (`post-verification-warnings-acknowledgement`, `change-management`, ...). */
  inputs?: string[];
  /** Post- or pre-verification warning text offered with those inputs. */
  warnings?: string;
  error?: { code: string; description: string };
}

interface StoredEnrollment {
  contractId: string;
  body: Record<string, unknown>;
  pending: number[];
}

type Fault = { kind: "lost" } | { kind: "status"; status: number; title?: string; detail?: string };

const notFound = (method: string, path: string) => new CpsApiError({ status: 404, method, path, title: "Not Found", detail: `${path} does not exist` });

export class FakeCps implements CpsApi {
  readonly baseUrl = "https://akab-fake.luna.akamaiapis.net";
  readonly budget = "fake";
  readonly requestsPerMinute = Number.POSITIVE_INFINITY;
  readonly enrollmentVersion = 12 as const;
  /** Every request, as `METHOD path` (GETs included). */
  readonly requests: string[] = [];
  /** Acknowledgements sent, as `type:ack` (e.g. `post-verification-warnings-acknowledgement:acknowledge`). */
  readonly acknowledgements: string[] = [];

  private nextEnrollment = 10001;
  private nextChange = 20001;
  private readonly enrollments = new Map<number, StoredEnrollment>();
  private readonly changes = new Map<string, FakeChange>();
  private readonly deployments = new Map<number, { production?: Deployment; staging?: Deployment }>();
  private readonly faults = new Map<string, Fault[]>();
  /** What happens once an acknowledgement is sent on a change (e.g. the delete finishes). */
  private readonly afterAck = new Map<string, () => void>();

  // ---- scripting ----------------------------------------------------------------------------

  /** An enrollment as CPS stores it, built from the request body the provider sends. */
  addEnrollment(contractId: string, request: object, opts: { id?: number; change?: FakeChange } = {}): { enrollmentId: number; changeId: number | undefined } {
    const id = opts.id ?? this.nextEnrollment++;
    this.enrollments.set(id, { contractId: contractId.replace(/^ctr_/, ""), body: { ...request }, pending: [] });
    const changeId = opts.change ? this.openChange(id, opts.change) : undefined;
    return { enrollmentId: id, changeId };
  }

  /** A new pending change on an enrollment (a renewal CPS opened, a change a PUT started). */
  openChange(enrollmentId: number, change: FakeChange): number {
    const changeId = this.nextChange++;
    this.changes.set(`${enrollmentId}/${changeId}`, { ...change });
    this.stored(enrollmentId, "GET").pending.push(changeId);
    return changeId;
  }

  /** Move a change on (status, inputs); `undefined` finishes it (no longer pending). */
  setChange(enrollmentId: number, changeId: number, change: FakeChange | undefined): void {
    const e = this.stored(enrollmentId, "GET");
    if (change === undefined) {
      e.pending = e.pending.filter((c) => c !== changeId);
      return;
    }
    this.changes.set(`${enrollmentId}/${changeId}`, { ...change });
  }

  /** Delete an enrollment behind the provider's back (Control Center, another tool). */
  deleteEnrollment(enrollmentId: number): void {
    this.enrollments.delete(enrollmentId);
    this.deployments.delete(enrollmentId);
  }

  /** A certificate on a network (any PEM the provider can parse where it reads one). */
  deploy(enrollmentId: number, network: "production" | "staging", certificatePem: string): void {
    const d = deploymentSchema.parse({ networkConfiguration: {}, primaryCertificate: { certificate: certificatePem, keyAlgorithm: "RSA", trustChain: "" } });
    this.deployments.set(enrollmentId, { ...this.deployments.get(enrollmentId), [network]: d });
  }

  /** The next call of `operation` fails this way (a queue: one fault per call). */
  failNext(operation: "createEnrollment" | "updateEnrollment" | "removeEnrollment" | "acknowledge" | "createEdgeHostname" | "deleteEdgeHostname", fault: Fault): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), fault]);
  }

  /** Run `effect` once an acknowledgement is sent on this change. */
  onAcknowledge(enrollmentId: number, changeId: number, effect: () => void): void {
    this.afterAck.set(`${enrollmentId}/${changeId}`, effect);
  }

  /** How many requests match (e.g. `POST /cps/v2/enrollments`). */
  count(request: string): number {
    return this.requests.filter((r) => r === request || r.startsWith(`${request}?`)).length;
  }

  // ---- CpsApi -------------------------------------------------------------------------------

  readonly edgeDns: EdgeDnsApi = {
    getRecordSet: async () => undefined,
    createRecordSet: async () => undefined,
    updateRecordSet: async () => undefined,
    deleteRecordSet: async () => undefined,
  };
  /** Secure edge hostnames (PAPI), by id. */
  readonly hostnames = new Map<string, EdgeHostnameItem>();
  private nextHostname = 1;
  readonly edgeHostnames: EdgeHostnamesApi = {
    create: async (_contractId, _groupId, body) => {
      this.requests.push("POST /papi/v1/edgehostnames");
      const fault = this.fault("createEdgeHostname");
      const id = `ehn_${this.nextHostname++}`;
      if (fault?.kind !== "status") {
        const domainSuffix = body.domainSuffix;
        this.hostnames.set(id, { edgeHostnameId: id, edgeHostnameDomain: `${body.domainPrefix}.${domainSuffix}`, domainPrefix: body.domainPrefix, domainSuffix, status: "ACTIVE" });
      }
      if (fault?.kind === "lost") throw new CpsNetworkError({ errno: "ECONNRESET", method: "POST", path: "/papi/v1/edgehostnames", reason: "socket hang up after the request was written" });
      if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "POST", path: "/papi/v1/edgehostnames" });
      return id;
    },
    get: async (id) => {
      this.requests.push(`GET /papi/v1/edgehostnames/${id}`);
      return this.hostnames.get(id);
    },
    list: async () => {
      this.requests.push("GET /papi/v1/edgehostnames");
      return [...this.hostnames.values()];
    },
    delete: async (prefix, suffix) => {
      this.requests.push(`DELETE /hapi/v1/dns-zones/${suffix}/edge-hostnames/${prefix}`);
      const fault = this.fault("deleteEdgeHostname");
      if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "DELETE", path: `/hapi/v1/dns-zones/${suffix}/edge-hostnames/${prefix}`, ...(fault.detail ? { detail: fault.detail } : {}) });
      for (const [id, h] of this.hostnames) if (h.domainPrefix === prefix && h.domainSuffix === suffix) this.hostnames.delete(id);
    },
  };

  async listEnrollments(contractId: string): Promise<Enrollment[]> {
    this.requests.push(`GET /cps/v2/enrollments?contractId=${contractId}`);
    return [...this.enrollments.entries()].filter(([, e]) => e.contractId === contractId.replace(/^ctr_/, "")).map(([id]) => this.view(id));
  }

  async getEnrollment(enrollmentId: number): Promise<Enrollment> {
    this.requests.push(`GET /cps/v2/enrollments/${enrollmentId}`);
    return this.view(enrollmentId);
  }

  async findEnrollment(enrollmentId: number): Promise<Enrollment | undefined> {
    this.requests.push(`GET /cps/v2/enrollments/${enrollmentId}`);
    return this.enrollments.has(enrollmentId) ? this.view(enrollmentId) : undefined;
  }

  async createEnrollment(req: CreateEnrollmentRequest): Promise<{ enrollmentId: number; changeIds: number[] }> {
    this.requests.push("POST /cps/v2/enrollments");
    const fault = this.fault("createEnrollment");
    if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "POST", path: "/cps/v2/enrollments", ...(fault.title ? { title: fault.title } : {}), ...(fault.detail ? { detail: fault.detail } : {}) });
    const { enrollmentId, changeId } = this.addEnrollment(req.contractId, req.enrollment, { change: { status: "wait-ack-change-management", changeType: "new-certificate", inputs: ["change-management"] } });
    // The POST landed, but its answer never arrived.
    if (fault?.kind === "lost") throw new CpsNetworkError({ errno: "ECONNRESET", method: "POST", path: "/cps/v2/enrollments", reason: "socket hang up after the request was written" });
    return { enrollmentId, changeIds: changeId !== undefined ? [changeId] : [] };
  }

  async updateEnrollment(req: UpdateEnrollmentRequest): Promise<EnrollmentChangeResult> {
    this.requests.push(`PUT /cps/v2/enrollments/${req.enrollmentId}`);
    const e = this.stored(req.enrollmentId, "PUT");
    const fault = this.fault("updateEnrollment");
    if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "PUT", path: `/cps/v2/enrollments/${req.enrollmentId}` });
    if (e.pending.length > 0 && !req.allowCancelPendingChanges) throw new CpsApiError({ status: 409, method: "PUT", path: `/cps/v2/enrollments/${req.enrollmentId}`, title: "pending change would be cancelled" });
    e.body = { ...req.enrollment };
    e.pending = [];
    const changeId = this.openChange(req.enrollmentId, { status: "wait-ack-change-management", changeType: "modify-san", inputs: ["change-management"] });
    return { enrollmentId: req.enrollmentId, changeIds: [changeId], httpStatus: 202 };
  }

  async removeEnrollment(req: RemoveEnrollmentRequest): Promise<EnrollmentChangeResult> {
    this.requests.push(`DELETE /cps/v2/enrollments/${req.enrollmentId}`);
    this.stored(req.enrollmentId, "DELETE");
    const fault = this.fault("removeEnrollment");
    if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "DELETE", path: `/cps/v2/enrollments/${req.enrollmentId}` });
    const changeId = this.openChange(req.enrollmentId, { status: "wait-ack-post-verification", inputs: ["post-verification-warnings-acknowledgement"], warnings: "The certificate is still in use." });
    // Once the warnings are acknowledged, CPS removes the enrollment.
    this.onAcknowledge(req.enrollmentId, changeId, () => this.deleteEnrollment(req.enrollmentId));
    return { enrollmentId: req.enrollmentId, changeIds: [changeId], httpStatus: 202 };
  }

  async getChangeStatus(enrollmentId: number, changeId: number): Promise<ChangeStatus> {
    const path = `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}`;
    this.requests.push(`GET ${path}`);
    const change = this.changes.get(`${enrollmentId}/${changeId}`);
    if (!change || !this.enrollments.has(enrollmentId)) throw notFound("GET", path);
    return changeStatusSchema.parse({
      statusInfo: { status: change.status, state: change.state ?? (change.error ? "error" : "running"), description: change.status, ...(change.error ? { error: change.error } : {}) },
      allowedInput: (change.inputs ?? []).map((type) => ({ type, requiredToProceed: true, info: `${path}/input/info/${type}`, update: `${path}/input/update/${type}` })),
    });
  }

  async cancelChange(enrollmentId: number, changeId: number): Promise<void> {
    this.requests.push(`DELETE /cps/v2/enrollments/${enrollmentId}/changes/${changeId}`);
    this.setChange(enrollmentId, changeId, undefined);
  }

  async getPreVerificationWarnings(input: AllowedInput): Promise<string> {
    return this.warningsOf(input);
  }
  async getPostVerificationWarnings(input: AllowedInput): Promise<string> {
    return this.warningsOf(input);
  }
  async acknowledgePreVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
    return this.acknowledge(input, ack);
  }
  async acknowledgePostVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
    return this.acknowledge(input, ack);
  }
  async getChangeManagementInfo(input: AllowedInput): Promise<ReturnType<typeof changeManagementInfoSchema.parse>> {
    this.requests.push(`GET ${input.info}`);
    return changeManagementInfoSchema.parse({ validationResultHash: "hash-1", pendingState: {} });
  }
  async acknowledgeChangeManagement(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
    return this.acknowledge(input, ack);
  }

  async getProductionDeployment(enrollmentId: number): Promise<Deployment | undefined> {
    this.requests.push(`GET /cps/v2/enrollments/${enrollmentId}/deployments/production`);
    return this.deployments.get(enrollmentId)?.production;
  }
  async getStagingDeployment(enrollmentId: number): Promise<Deployment | undefined> {
    this.requests.push(`GET /cps/v2/enrollments/${enrollmentId}/deployments/staging`);
    return this.deployments.get(enrollmentId)?.staging;
  }
  async getChangeHistory(enrollmentId: number): Promise<{ changes: [] }> {
    this.requests.push(`GET /cps/v2/enrollments/${enrollmentId}/history/changes`);
    this.stored(enrollmentId, "GET");
    return { changes: [] };
  }

  // What the decision tests never reach: a call here is a test gap, said loudly.
  getDeploymentSchedule(): never {
    return unscripted("getDeploymentSchedule");
  }
  updateDeploymentSchedule(): never {
    return unscripted("updateDeploymentSchedule");
  }
  getDvChallenges(): never {
    return unscripted("getDvChallenges");
  }
  acknowledgeDvChallenges(): never {
    return unscripted("acknowledgeDvChallenges");
  }
  getChangeDeploymentInfo(): never {
    return unscripted("getChangeDeploymentInfo");
  }
  getThirdPartyCsrs(): never {
    return unscripted("getThirdPartyCsrs");
  }
  uploadThirdPartyCertificates(): never {
    return unscripted("uploadThirdPartyCertificates");
  }
  listDeployments(): never {
    return unscripted("listDeployments");
  }
  getDvHistory(): never {
    return unscripted("getDvHistory");
  }
  getCertificateHistory(): never {
    return unscripted("getCertificateHistory");
  }
  listActiveCertificates(): never {
    return unscripted("listActiveCertificates");
  }

  // ---- internals ----------------------------------------------------------------------------

  private stored(enrollmentId: number, method: string): StoredEnrollment {
    const e = this.enrollments.get(enrollmentId);
    if (!e) throw notFound(method, `/cps/v2/enrollments/${enrollmentId}`);
    return e;
  }

  private view(enrollmentId: number): Enrollment {
    const e = this.stored(enrollmentId, "GET");
    return enrollmentSchema.parse({
      ra: "lets-encrypt",
      ...e.body,
      id: enrollmentId,
      location: `/cps/v2/enrollments/${enrollmentId}`,
      pendingChanges: e.pending.map((changeId) => ({ location: `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}`, changeType: this.changes.get(`${enrollmentId}/${changeId}`)?.changeType ?? null })),
    });
  }

  private fault(operation: string): Fault | undefined {
    const queue = this.faults.get(operation);
    return queue?.shift();
  }

  private changeOf(input: AllowedInput): { key: string; change: FakeChange } {
    const match = /enrollments\/(\d+)\/changes\/(\d+)/.exec(input.info);
    const key = match ? `${match[1]}/${match[2]}` : "";
    const change = this.changes.get(key);
    if (!change) throw notFound("GET", input.info);
    return { key, change };
  }

  private warningsOf(input: AllowedInput): string {
    this.requests.push(`GET ${input.info}`);
    return this.changeOf(input).change.warnings ?? "";
  }

  private acknowledge(input: AllowedInput, ack: "acknowledge" | "deny"): void {
    this.requests.push(`POST ${input.update}`);
    const fault = this.fault("acknowledge");
    if (fault?.kind === "status") throw new CpsApiError({ status: fault.status, method: "POST", path: input.update });
    const { key, change } = this.changeOf(input);
    this.acknowledgements.push(`${input.type}:${ack}`);
    // The change moves on past the input acknowledged.
    this.changes.set(key, { ...change, inputs: (change.inputs ?? []).filter((t) => t !== input.type), status: "wait-deploy" });
    this.afterAck.get(key)?.();
  }
}

function unscripted(operation: string): never {
  throw new Error(`FakeCps: ${operation} is not scripted (add it to test/support/fake-cps.ts)`);
}

/** A ResourceContext around a fake: progress lines collected, no DNS, the real clock. */
export function fakeContext(cps: CpsApi, name = "test"): ResourceContext & { lines: string[] } {
  const lines: string[] = [];
  const progress = ((line: string) => lines.push(line)) as Progress;
  Object.defineProperty(progress, "name", { value: name });
  return { cps, progress, lines, now: Date.now, settings: {}, txtLookup: () => fixedResolvers(["127.0.0.1:9"]) };
}
