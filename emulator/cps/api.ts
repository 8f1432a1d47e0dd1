import type { z } from "zod";
import { CPS } from "../http/media-types";
import { cpsProblem, notFound, type Problem } from "../http/problem";
import type { ApiResponse, Route, RouteContext } from "../http/router";
import type { CpsEngine } from "./engine";
import type { ChangeRecord, EnrollmentRecord, EnrollmentSpec } from "./model";
import { toEnrollmentSpec } from "./normalize";
import {
  acknowledgementSchema,
  acknowledgementWithHashSchema,
  certificateAndTrustChainV1Schema,
  certificateAndTrustChainV2Schema,
  deploymentScheduleSchema,
  enrollmentRequestSchema,
  enrollmentSupersetSchema,
  ENROLLMENT_REQUEST_VERSIONS,
  type EnrollmentVersion,
} from "./request-schemas";
import type { Store } from "./store";
import {
  activeCertificatesView,
  allowedInputs,
  certificateHistoryView,
  changeHistoryView,
  changeManagementInfoView,
  changePath,
  changeView,
  csrView,
  deploymentView,
  dvChallengesView,
  dvHistoryView,
  enrollmentPath,
  enrollmentView,
  warningsView,
} from "./views";

export interface CpsApiOptions {
  store: Store;
  engine: CpsEngine;
  now: () => Date;
  /** Host used in problem `type`/`instance` URLs. */
  host: () => string;
  /** One enrollment creation per contract per window (409 inside it); 0 = off. */
  createThrottleMs: number;
}

/** Thrown inside handlers; the server turns it into problem+json. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(String(problem.body.title));
  }
}

const ENROLLMENT_TYPES = ENROLLMENT_REQUEST_VERSIONS.map((v) => CPS("enrollment", v));
const STATUS_TYPE = [CPS("enrollment-status", 1)];
const CHANGE_ID_TYPE = [CPS("change-id", 1)];

const INFO_TYPES: Record<string, readonly string[]> = {
  "lets-encrypt-challenges": [CPS("dv-challenges", 2)],
  "third-party-csr": [CPS("csr", 2), CPS("csr", 1)],
  "pre-verification-warnings": [CPS("warnings", 1)],
  "post-verification-warnings": [CPS("warnings", 1)],
  "change-management-info": [CPS("change-management-info", 6), CPS("change-management-info", 5), CPS("deployment", 8), CPS("deployment", 7)],
};

const UPDATE_INPUTS: Record<string, { inputType: string; consumes: readonly string[] }> = {
  "lets-encrypt-challenges-completed": { inputType: "lets-encrypt-challenges", consumes: [CPS("acknowledgement", 1)] },
  "pre-verification-warnings-ack": { inputType: "pre-verification-warnings-acknowledgement", consumes: [CPS("acknowledgement", 1)] },
  "post-verification-warnings-ack": { inputType: "post-verification-warnings-acknowledgement", consumes: [CPS("acknowledgement", 1)] },
  "change-management-ack": { inputType: "change-management", consumes: [CPS("acknowledgement-with-hash", 1), CPS("acknowledgement", 1)] },
  "third-party-cert-and-trust-chain": {
    inputType: "third-party-certificate",
    consumes: [CPS("certificate-and-trust-chain", 2), CPS("certificate-and-trust-chain", 1)],
  },
};

function version(mediaType: string): number {
  return Number(/\.v(\d+)\+json$/.exec(mediaType)?.[1] ?? 0);
}

function flag(query: URLSearchParams, ...names: string[]): boolean {
  return names.some((n) => (query.get(n) ?? "").toLowerCase() === "true");
}

export function createCpsRoutes(o: CpsApiOptions): Route[] {
  const { store, engine } = o;
  const problem = (status: number, name: string, title: string, detail?: string): ProblemError => new ProblemError(cpsProblem(o.host(), status, name, title, detail));
  const badRequest = (detail: string): ProblemError => problem(400, "bad-request", "Bad Request", detail);
  const ok = (status: number, contentType: string, body: unknown): ApiResponse => ({ status, contentType, body });

  function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
    const result = schema.safeParse(body);
    if (!result.success) {
      const detail = result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
        .join("; ");
      throw badRequest(`The request body is invalid for this media type. ${detail}`);
    }
    return result.data;
  }

  function enrollmentOf(ctx: RouteContext): EnrollmentRecord {
    const id = Number(ctx.params.enrollmentId);
    const e = Number.isInteger(id) ? store.enrollment(id) : undefined;
    if (!e) throw new ProblemError(notFound(o.host()));
    return e;
  }

  function changeOf(ctx: RouteContext): { enrollment: EnrollmentRecord; change: ChangeRecord } {
    const enrollment = enrollmentOf(ctx);
    const id = Number(ctx.params.changeId);
    const change = Number.isInteger(id) ? store.change(id) : undefined;
    if (!change || change.enrollmentId !== enrollment.id) throw new ProblemError(notFound(o.host()));
    return { enrollment, change };
  }

  const pending = (e: EnrollmentRecord): ChangeRecord | undefined => (e.pendingChangeId === null ? undefined : store.change(e.pendingChangeId));

  /** `deploy-not-before` / `deploy-not-after`: a date (2021-01-31) or a full timestamp. */
  function scheduleDate(value: string | null | undefined, name: string): string | null {
    if (value === null || value === undefined || value === "") return null;
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw badRequest(`${name} must be a date (YYYY-MM-DD) or an ISO-8601 timestamp.`);
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  function scheduleFromQuery(query: URLSearchParams): { notBefore: string | null; notAfter: string | null } {
    return { notBefore: scheduleDate(query.get("deploy-not-before"), "deploy-not-before"), notAfter: scheduleDate(query.get("deploy-not-after"), "deploy-not-after") };
  }

  function parseEnrollment(ctx: RouteContext): EnrollmentSpec {
    const v = version(ctx.contentType ?? "") as EnrollmentVersion;
    parse(enrollmentRequestSchema(v), ctx.body); // the version's own strict schema decides
    return toEnrollmentSpec(enrollmentSupersetSchema.parse(ctx.body), v);
  }

  function statusBody(e: EnrollmentRecord, changes: ChangeRecord[]): unknown {
    return { enrollment: enrollmentPath(e.id), changes: changes.map((c) => changePath(e.id, c.id)) };
  }

  /** 409 unless allow-cancel-pending-changes; with it, the pending change is cancelled. */
  function clearPending(e: EnrollmentRecord, query: URLSearchParams): void {
    const current = pending(e);
    if (!current) return;
    if (!flag(query, "allow-cancel-pending-changes")) throw problem(409, "cannot-cancel-pending-change", "Cannot cancel pending change.", "There is a pending change on the enrollment.");
    engine.cancelChange(current);
  }

  const routes: Route[] = [
    {
      method: "GET",
      path: "/cps/v2/enrollments",
      operation: "get-enrollments",
      produces: () => [CPS("enrollments", 12), CPS("enrollments", 11)],
      handle(ctx) {
        const contractId = ctx.query.get("contractId");
        const list = contractId ? store.enrollmentsOfContract(contractId) : store.allEnrollments();
        const v = version(ctx.accept);
        return ok(200, ctx.accept, { enrollments: list.map((e) => enrollmentView(e, pending(e), v)) });
      },
    },
    {
      method: "POST",
      path: "/cps/v2/enrollments",
      operation: "post-enrollment",
      produces: () => STATUS_TYPE,
      consumes: () => ENROLLMENT_TYPES,
      handle(ctx) {
        const contractId = ctx.query.get("contractId");
        if (!contractId) throw badRequest("The contractId query parameter is required.");
        const spec = parseEnrollment(ctx);
        const schedule = scheduleFromQuery(ctx.query);
        if (!flag(ctx.query, "allow-duplicate-cn", "allowDuplicateCN")) {
          const cn = spec.csr.cn.toLowerCase();
          const duplicate = store.enrollmentsOfContract(contractId).find((e) => e.spec.csr.cn.toLowerCase() === cn);
          if (duplicate) {
            throw problem(409, "duplicate-common-name", "Duplicate common name.", `Enrollment ${duplicate.id} already uses the common name ${spec.csr.cn}. Use allow-duplicate-cn=true to create another.`);
          }
        }
        const now = o.now().getTime();
        const last = store.state.lastCreateByContract[contractId];
        if (o.createThrottleMs > 0 && last && now - Date.parse(last) < o.createThrottleMs) {
          throw problem(409, "enrollment-creation-throttled", "Too many enrollments created.", "Only one enrollment can be created every five minutes.");
        }
        store.state.lastCreateByContract[contractId] = new Date(now).toISOString();
        const enrollment: EnrollmentRecord = {
          id: store.state.nextEnrollmentId++,
          contractId,
          spec,
          createdAt: new Date(now).toISOString(),
          pendingChangeId: null,
          changeIds: [],
          assignedSlots: [],
          stagingSlots: [],
          productionSlots: [],
          staging: null,
          production: null,
          certificateHistory: [],
          dvHistory: {},
          autoRenewalStartTime: null,
          deleteDueAt: null,
        };
        const change = engine.openChange(enrollment, "new-certificate", "new-certificate", true, schedule, null);
        store.putEnrollment(enrollment);
        store.changed();
        return ok(202, ctx.accept, statusBody(enrollment, [change]));
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId",
      operation: "get-enrollment",
      produces: () => [CPS("enrollment", 12), CPS("enrollment", 11)],
      handle(ctx) {
        const e = enrollmentOf(ctx);
        return ok(200, ctx.accept, enrollmentView(e, pending(e), version(ctx.accept)));
      },
    },
    {
      method: "PUT",
      path: "/cps/v2/enrollments/:enrollmentId",
      operation: "put-enrollment",
      produces: () => STATUS_TYPE,
      consumes: () => ENROLLMENT_TYPES,
      handle(ctx) {
        const e = enrollmentOf(ctx);
        if (e.deleteDueAt) throw problem(409, "invalid-enrollment-state", "Invalid enrollment state.", "The enrollment is being deleted.");
        const next = parseEnrollment(ctx);
        const before = e.spec;
        if (next.networkConfiguration.sniOnly !== before.networkConfiguration.sniOnly) {
          throw badRequest("networkConfiguration.sniOnly cannot be changed once an enrollment is created.");
        }
        const schedule = scheduleFromQuery(ctx.query);
        const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
        const { sans: sansBefore, ...csrBefore } = before.csr;
        const { sans: sansNext, ...csrNext } = next.csr;
        const orgMatters = next.validationType === "ov" || next.validationType === "ev";
        const certificateChanged =
          !same(csrBefore, csrNext) ||
          before.signatureAlgorithm !== next.signatureAlgorithm ||
          before.certificateType !== next.certificateType ||
          before.validationType !== next.validationType ||
          before.ra !== next.ra ||
          before.thirdParty?.excludeSans !== next.thirdParty?.excludeSans ||
          (orgMatters && (!same(before.org, next.org) || before.orgId !== next.orgId));
        const sansChanged = !same([...sansBefore].map((s) => s.toLowerCase()).sort(), [...sansNext].map((s) => s.toLowerCase()).sort());
        const networkChanged = !same(before.networkConfiguration, next.networkConfiguration);
        const forced = flag(ctx.query, "force-renewal");
        const nothingLive = !e.production && !e.staging;
        const current = pending(e);
        let action: ChangeRecord["action"] | undefined;
        let changeType: ChangeRecord["pendingChangeType"] = "modify-certificate";
        let needsCertificate = true;
        if (forced) [action, changeType] = ["renew", "renewal"];
        else if (certificateChanged) [action, changeType] = ["new-certificate", "modify-certificate"];
        else if (sansChanged) [action, changeType] = ["modify-san", "modify-san"];
        else if (networkChanged) {
          action = "update-network-configuration";
          needsCertificate = false;
        }
        if (action && (nothingLive || (current && current.needsCertificate))) {
          // no certificate to reuse (or the cancelled change was issuing one): the new change issues it
          needsCertificate = true;
          if (action === "update-network-configuration") [action, changeType] = ["new-certificate", current?.pendingChangeType ?? "new-certificate"];
        }
        if (!action) {
          // contacts, changeManagement, enableMultiStackedCertificates (next renewal): no new certificate
          store.respec(e, () => (e.spec = next));
          if (current) current.target = { ...current.target, org: next.org, adminContact: next.adminContact, techContact: next.techContact, changeManagement: next.changeManagement, orgId: next.orgId };
          store.changed();
          return ok(200, ctx.accept, statusBody(e, current ? [current] : []));
        }
        clearPending(e, ctx.query);
        const previous = before;
        store.respec(e, () => (e.spec = next));
        const change = engine.openChange(e, action, changeType, needsCertificate, schedule, previous);
        store.changed();
        return ok(202, ctx.accept, statusBody(e, [change]));
      },
    },
    {
      method: "DELETE",
      path: "/cps/v2/enrollments/:enrollmentId",
      operation: "delete-enrollment",
      produces: () => STATUS_TYPE,
      handle(ctx) {
        const e = enrollmentOf(ctx);
        clearPending(e, ctx.query);
        const body = statusBody(e, []);
        if (e.production || e.staging) {
          if (!e.deleteDueAt) e.deleteDueAt = new Date(o.now().getTime() + engine.durations["delete-enrollment"]).toISOString();
          store.changed();
          return ok(202, ctx.accept, body);
        }
        store.removeEnrollment(e.id);
        store.changed();
        return ok(200, ctx.accept, body);
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId",
      operation: "get-enrollment-change",
      produces: () => [CPS("change", 2), CPS("change", 1)],
      handle(ctx) {
        const { change } = changeOf(ctx);
        engine.noteStatusRead(change);
        return ok(200, ctx.accept, changeView(change));
      },
    },
    {
      method: "DELETE",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId",
      operation: "delete-enrollment-change",
      produces: () => CHANGE_ID_TYPE,
      handle(ctx) {
        const { enrollment, change } = changeOf(ctx);
        if (change.outcome !== "incomplete") throw problem(409, "invalid-change-state", "Invalid change state.", `The change is ${change.outcome} and cannot be cancelled.`);
        engine.cancelChange(change);
        store.changed();
        return ok(200, ctx.accept, { change: changePath(enrollment.id, change.id) });
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId/deployment-schedule",
      operation: "get-change-deployment-schedule",
      produces: () => [CPS("deployment-schedule", 1)],
      handle(ctx) {
        const { change } = changeOf(ctx);
        return ok(200, ctx.accept, { notBefore: change.deploymentSchedule.notBefore, notAfter: change.deploymentSchedule.notAfter });
      },
    },
    {
      method: "PUT",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId/deployment-schedule",
      operation: "put-change-deployment-schedule",
      produces: () => CHANGE_ID_TYPE,
      consumes: () => [CPS("deployment-schedule", 1)],
      handle(ctx) {
        const { enrollment, change } = changeOf(ctx);
        const body = parse(deploymentScheduleSchema, ctx.body);
        if (change.outcome !== "incomplete") throw problem(409, "invalid-change-state", "Invalid change state.", `The change is ${change.outcome}.`);
        change.deploymentSchedule = { notBefore: scheduleDate(body.notBefore, "notBefore"), notAfter: scheduleDate(body.notAfter, "notAfter") };
        store.changed();
        return ok(200, ctx.accept, { change: changePath(enrollment.id, change.id) });
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId/input/info/:inputType",
      operation: "get-change-allowed-input-param",
      produces: (params) => INFO_TYPES[params.inputType] ?? [],
      handle(ctx) {
        const { enrollment, change } = changeOf(ctx);
        const nf = (): ProblemError => new ProblemError(notFound(o.host()));
        switch (ctx.params.inputType) {
          case "lets-encrypt-challenges":
            if (change.dv.length === 0) throw nf();
            return ok(200, ctx.accept, dvChallengesView(change));
          case "third-party-csr":
            if (change.target.ra !== "third-party" || change.keys.length === 0) throw nf();
            return ok(200, ctx.accept, csrView(change, version(ctx.accept)));
          case "pre-verification-warnings":
            if (change.preVerificationWarnings.length === 0) throw nf();
            return ok(200, ctx.accept, warningsView(change.preVerificationWarnings, "pre"));
          case "post-verification-warnings":
            if (change.postVerificationWarnings.length === 0 || change.status === "verify-third-party-cert") throw nf();
            return ok(200, ctx.accept, warningsView(change.postVerificationWarnings, "post"));
          case "change-management-info": {
            if (!change.validationResultHash) throw nf();
            if (ctx.accept.includes(".deployment.")) {
              if (!enrollment.staging) throw nf();
              return ok(200, ctx.accept, deploymentView(enrollment.staging, version(ctx.accept)));
            }
            return ok(200, ctx.accept, changeManagementInfoView(change, version(ctx.accept)));
          }
          default:
            throw nf();
        }
      },
    },
    {
      method: "POST",
      path: "/cps/v2/enrollments/:enrollmentId/changes/:changeId/input/update/:inputType",
      operation: "post-change-allowed-input-param",
      produces: (params) => (UPDATE_INPUTS[params.inputType] ? CHANGE_ID_TYPE : []),
      consumes: (params) => UPDATE_INPUTS[params.inputType]?.consumes ?? [],
      async handle(ctx) {
        const { enrollment, change } = changeOf(ctx);
        const update = UPDATE_INPUTS[ctx.params.inputType];
        const response = ok(200, ctx.accept, { change: changePath(enrollment.id, change.id) });
        const kind = ctx.contentType ?? "";
        // validate the body first: a malformed body is a 400 whatever the change's state
        const ack = kind.includes(".acknowledgement-with-hash.")
          ? parse(acknowledgementWithHashSchema, ctx.body)
          : kind.includes(".acknowledgement.")
            ? parse(acknowledgementSchema, ctx.body)
            : undefined;
        const uploads = kind.includes(".certificate-and-trust-chain.v2")
          ? parse(certificateAndTrustChainV2Schema, ctx.body).certificatesAndTrustChains.map((c) => ({ keyAlgorithm: c.keyAlgorithm, certificatePem: c.certificate, trustChainPem: c.trustChain ?? "" }))
          : kind.includes(".certificate-and-trust-chain.v1")
            ? [(({ certificate, trustChain }) => ({ keyAlgorithm: "RSA" as const, certificatePem: certificate, trustChainPem: trustChain ?? "" }))(parse(certificateAndTrustChainV1Schema, ctx.body))]
            : undefined;
        if (!allowedInputs(change).some((i) => i.type === update.inputType)) {
          throw problem(409, "invalid-enrollment-state", "Invalid enrollment state.", `The change does not accept ${update.inputType} input in status ${change.status}.`);
        }
        if (ack?.acknowledgement === "deny") {
          engine.cancelChange(change);
          store.changed();
          return response;
        }
        switch (ctx.params.inputType) {
          case "lets-encrypt-challenges-completed":
            await engine.checkNow(change);
            break;
          case "pre-verification-warnings-ack":
            engine.acknowledgePreVerification(change);
            break;
          case "post-verification-warnings-ack":
            engine.acknowledgePostVerification(change);
            break;
          case "change-management-ack":
            if (ack && "hash" in ack && ack.hash !== change.validationResultHash) {
              throw problem(409, "validation-result-hash-mismatch", "Hash mismatch.", "The hash does not match the current validationResultHash; fetch change-management-info again.");
            }
            engine.acknowledgeChangeManagement(change);
            break;
          case "third-party-cert-and-trust-chain":
            engine.uploadThirdParty(change, uploads ?? []);
            break;
        }
        store.changed();
        return response;
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/deployments",
      operation: "get-deployments",
      produces: () => [CPS("deployments", 8), CPS("deployments", 7)],
      handle(ctx) {
        const e = enrollmentOf(ctx);
        const v = version(ctx.accept);
        return ok(200, ctx.accept, { production: e.production ? deploymentView(e.production, v) : null, staging: e.staging ? deploymentView(e.staging, v) : null });
      },
    },
    ...(["production", "staging"] as const).map(
      (network): Route => ({
        method: "GET",
        path: `/cps/v2/enrollments/:enrollmentId/deployments/${network}`,
        operation: network === "production" ? "get-deployments-production" : "get-deployment-staging",
        produces: () => [CPS("deployment", 8), CPS("deployment", 7)],
        handle(ctx) {
          const d = enrollmentOf(ctx)[network];
          if (!d) throw new ProblemError(notFound(o.host()));
          return ok(200, ctx.accept, deploymentView(d, version(ctx.accept)));
        },
      }),
    ),
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/dv-history",
      operation: "get-dv-history",
      produces: () => [CPS("dv-history", 1)],
      handle(ctx) {
        return ok(200, ctx.accept, dvHistoryView(enrollmentOf(ctx)));
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/history/certificates",
      operation: "get-history-certificates",
      produces: () => [CPS("certificate-history", 2)],
      handle(ctx) {
        return ok(200, ctx.accept, certificateHistoryView(enrollmentOf(ctx), flag(ctx.query, "includeAll")));
      },
    },
    {
      method: "GET",
      path: "/cps/v2/enrollments/:enrollmentId/history/changes",
      operation: "get-history-changes",
      produces: () => [CPS("change-history", 5)],
      handle(ctx) {
        const e = enrollmentOf(ctx);
        const changes = e.changeIds.map((id) => store.change(id)).filter((c): c is ChangeRecord => !!c);
        return ok(200, ctx.accept, changeHistoryView(e, changes, flag(ctx.query, "includeAll")));
      },
    },
    {
      method: "GET",
      path: "/cps/v2/active-certificates",
      operation: "get-active-certificates",
      produces: () => [CPS("active-certificates", 2)],
      handle(ctx) {
        const contractId = ctx.query.get("contractId");
        if (!contractId) throw badRequest("The contractId query parameter is required.");
        return ok(200, ctx.accept, activeCertificatesView(store.enrollmentsOfContract(contractId), pending));
      },
    },
  ];
  return routes;
}
