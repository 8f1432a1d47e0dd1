/**
 * The Enrollment dynamic provider: a CPS enrollment and the change that issues its certificate.
 *
 * - check: every input parsed before any API call, one failure per property.
 * - diff: desired inputs against the *live* enrollment (shared list per contract), so preview shows
 *   Control Center edits and pending renewals; falls back to state when CPS is unreachable.
 * - create: resumes only the enrollment this resource's own interrupted run created (its create
 *   journal); any other enrollment with the name is reported, never taken (enrollment-resume.ts);
 *   after POST every failure keeps the enrollment in state (partial state).
 * - update: never cancels a pending change unless `cancelPendingChanges` is set.
 * - read: never blocks; a deleted enrollment reads as gone.
 * - delete: refuses to remove a certificate live on production unless allowed; waits until gone.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { cpsContractId, type CpsApi, Enrollment, isNotFound, latestChangeId } from "../cps";
import { DnsChallenge, DomainValidationState, ExtractedChallenges, extractChallenges, HttpChallenge, mergeChallenges, withEntryPerName } from "../lifecycle/challenges";
import { ActionableChange, waitForActionableChange } from "../lifecycle/enrollment-wait";
import { rememberContract } from "../lifecycle/contract-watch";
import { cancelChangeIfPresent, failedPendingChange, pendingChangeFailed } from "./failed-pending-change";
import { SAN_REMOVAL_WARNING_IDS, sanRemovalExpectation } from "../lifecycle/expected-warnings";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { acknowledgePostVerification, changeManagement, followChange as follow } from "../lifecycle/follow";
import type { Progress } from "../lifecycle/progress";
import { describeChange, findInput, INPUT, isDvCoordination } from "../lifecycle/statuses";
import { pickKeys } from "./check";
import { timeoutMs } from "./common-inputs";
import { certificateNames, EnrollmentInputs, enrollmentInputsSchema } from "./enrollment-inputs";
import { liveOnProductionRefusal } from "./delete-refusal";
import { changedKeys, enrollmentRequest, REPLACE_FIELDS, viewOfEnrollment, viewOfInputs } from "./enrollment-spec";
import { invalidateLiveEnrollments, liveEnrollments } from "./live-enrollments";
import type { ResourceIdentity } from "./create-journal";
import { forgetCreate, identityOf, postEnrollment, reportSameName, startCreate } from "./enrollment-resume";
import { keepInState, PartialStateError } from "./partial-state";
import type { CsrOutputs } from "./csr-outputs";
import { hasUnknowns } from "./unknowns";
import { defineResource, type Given, type ResourceContext, type State, type Stored } from "./define-resource";
import { canonicalInputs, changedInputs } from "./deprecated-inputs";
import { CodedError, plainMessage } from "./coded-error";

const INPUT_KEYS = Object.keys(enrollmentInputsSchema.shape);
/** Inputs that only steer this provider (policies, timeouts): a change updates state without touching CPS. */
export const PROVIDER_ONLY_INPUTS = ["preVerificationWarnings", "cancelPendingChanges", "allowDeleteWhileDeployed", "timeout", "deleteTimeout", "deploymentSchedule", "allowDuplicateCommonName", "adoptEnrollmentId"];

/**
 * The Enrollment's outputs, declared once: the provider writes them and the SDK's `Enrollment`
 * class declares its output properties from this interface (sdk/enrollment.ts).
 */
export interface EnrollmentOutputs {
  /** The CPS enrollment id. */
  enrollmentId: number;
  /** Every name on the certificate, CN first. */
  domains: string[];
  /** DNS-01 challenges by domain. Kept after validation; replaced when CPS issues new ones (renewal, SAN change). */
  dnsChallenges: Record<string, DnsChallenge>;
  /** HTTP-01 challenges by domain. */
  httpChallenges: Record<string, HttpChallenge>;
  /** CPS's per-domain validation state when the challenges were last read. */
  domainStatus: Record<string, DomainValidationState>;
  /** The change the challenges/CSRs belong to. */
  challengeChangeId: number | null;
  /**
   * The pending change, if any, when this resource's step last ran (create/update/refresh). Create and
   * update finish as soon as CPS offers challenges, before DvValidation and Deployment run: for the
   * enrollment after the whole `up`, read the Deployment's `enrollment` output (or `pulumi refresh`).
   */
  pendingChangeId: number | null;
  /** `new-certificate`, `renewal`, `modify-san`, ... */
  changeType: string | null;
  /** The pending change's status, or `active`, when this resource's step last ran (see `pendingChangeId`). */
  status: string;
  /** Third-party: CSRs (PEM) by key algorithm. */
  csrs: {
    /** The RSA CSR (PEM). */
    rsa?: string;
    /** The ECDSA CSR (PEM), with `dualStack`. */
    ecdsa?: string;
  };
  /** Third-party: SHA-256 of each CSR's public key (hex). */
  csrFingerprints: {
    /** SHA-256 of the RSA CSR's public key (hex). */
    rsa?: string;
    /** SHA-256 of the ECDSA CSR's public key (hex). */
    ecdsa?: string;
  };
  /** The edge slots CPS assigned to the enrollment. */
  assignedSlots: number[];
  /** The slots serving the certificate on production. */
  productionSlots: number[];
  /** The slots serving the certificate on staging. */
  stagingSlots: number[];
  /** When CPS will start the automatic renewal (null until a certificate is issued; see `pendingChangeId` for when it is read). */
  autoRenewalStartTime: string | null;
  /** Whether the last update started a new certificate (CPS answered 202) rather than a metadata-only change (200). */
  lastUpdateStartedNewCertificate: boolean | null;
  /** True when the enrollment was adopted with `adoptEnrollmentId`. */
  adopted: boolean;
}

/** What the Enrollment resource records besides its inputs: its outputs, and the enrollment's location in CPS. */
export interface EnrollmentComputed extends EnrollmentOutputs {
  location: string | null;
}

type Schema = typeof enrollmentInputsSchema;
type Given_ = Given<z.input<Schema>>;
type EnrollmentState = State<Schema, EnrollmentComputed>;

function slotsAndLive(e: Enrollment): Pick<EnrollmentComputed, "location" | "assignedSlots" | "productionSlots" | "stagingSlots" | "autoRenewalStartTime"> {
  return {
    location: e.location ?? null,
    assignedSlots: e.assignedSlots ?? [],
    productionSlots: e.productionSlots ?? [],
    stagingSlots: e.stagingSlots ?? [],
    autoRenewalStartTime: e.autoRenewalStartTime ?? null,
  };
}

/** DV certificates keep a DNS-01 entry per name (a placeholder where CPS offers none): see withEntryPerName. */
function dvEntries(validationType: string, names: readonly string[], merged: ExtractedChallenges): ExtractedChallenges {
  return validationType === "dv" ? withEntryPerName(names, merged) : merged;
}

/**
 * CSR parsing pulls in @peculiar/x509, about half of this provider's modules (~130 ms to load):
 * required on first use, so a preview (every diff of a stack, in a fresh host) never loads it.
 */
function csrOutputs(list: ReadonlyArray<{ keyAlgorithm: string; csr: string }>): CsrOutputs {
  const lazy: typeof import("./csr-outputs") = require("./csr-outputs");
  return lazy.csrOutputs(list);
}

/** Outputs after following a change to its actionable point; keeps the previous challenges/CSRs when none are offered now. */
function outputsFrom(
  inputs: EnrollmentInputs,
  enrollmentId: number,
  actionable: ActionableChange | undefined,
  changeId: number | null,
  changeType: string | null,
  previous: Partial<EnrollmentComputed>,
): Omit<EnrollmentComputed, "location" | "assignedSlots" | "productionSlots" | "stagingSlots" | "autoRenewalStartTime" | "lastUpdateStartedNewCertificate" | "adopted"> {
  const challenges = actionable?.challenges;
  const csrs = actionable?.csrs ? csrOutputs(actionable.csrs) : undefined;
  const offeredNew = !!challenges || !!csrs;
  const names = certificateNames(inputs);
  // Challenges are never emptied after validation (Terraform #335): the last ones stay until new ones replace them.
  const merged = dvEntries(inputs.validationType, names, mergeChallenges(names, challenges, previous));
  return {
    enrollmentId,
    domains: names,
    ...merged,
    challengeChangeId: offeredNew ? changeId : (previous.challengeChangeId ?? null),
    pendingChangeId: changeId,
    changeType,
    status: actionable ? actionable.change.statusInfo.status : changeId === null ? "active" : (previous.status ?? "unknown"),
    csrs: csrs?.csrs ?? previous.csrs ?? {},
    csrFingerprints: csrs?.fingerprints ?? previous.csrFingerprints ?? {},
  };
}

async function followChange(client: CpsApi, inputs: EnrollmentInputs, enrollmentId: number, changeId: number, progress: Progress, timeout: number): Promise<ActionableChange> {
  // The DvValidation, Deployment and CertificateUpload waits of this enrollment share its contract's list.
  rememberContract(client, enrollmentId, inputs.contractId);
  return waitForActionableChange({
    client,
    enrollmentId,
    changeId,
    preVerificationWarnings: inputs.preVerificationWarnings,
    timeoutMs: timeout,
    progress,
  });
}

async function create(ctx: ResourceContext, { inputs, raw: props }: { inputs: EnrollmentInputs; raw: Given_ }): Promise<{ id: string; outs: Stored<Schema, EnrollmentComputed> }> {
  const { cps: client, progress } = ctx;
  const timeout = timeoutMs(inputs.timeout, 30 * 60_000);

  let enrollmentId: number;
  let changeId: number | null = null;
  let changeType: string | null = null;
  let adopted = false;
  /** Set when resuming: what differs between the resumed enrollment and the program. */
  let resumed = false;
  let resumedDrift: string[] = [];
  const identity = identityOf(client, props);
  if (inputs.adoptEnrollmentId !== undefined) {
    const existing = await client.getEnrollment(inputs.adoptEnrollmentId);
    enrollmentId = existing.id;
    adopted = true;
    progress(`adopting existing enrollment ${enrollmentId} (${existing.csr.cn})`);
  } else {
    // Resume only what this resource can show it created; report, never take, anything else with the name (enrollment-resume.ts).
    const start = await startCreate(client, inputs, identity, progress);
    if (start.kind === "resume") {
      enrollmentId = start.enrollment.id;
      resumed = true;
      const pending = latestPendingChange(start.enrollment);
      changeId = pending?.changeId ?? null;
      changeType = pending?.changeType ?? null;
      resumedDrift = changedKeys(viewOfInputs(inputs), viewOfEnrollment(start.enrollment, inputs.contractId, viewOfInputs(inputs)));
      progress(`resuming enrollment ${enrollmentId}, created by this resource's interrupted run (change ${changeId ?? "none"}), instead of creating a duplicate`);
    } else {
      await reportSameName(client, start, inputs, progress);
      const created = await postEnrollment(client, inputs, identity, start, progress);
      enrollmentId = created.enrollmentId;
      changeId = created.changeId;
      changeType = "new-certificate";
    }
  }
  invalidateLiveEnrollments(client, inputs.contractId);

  const id = String(enrollmentId);
  let outs: Stored<Schema, EnrollmentComputed> = {
    ...props,
    enrollmentId,
    location: null,
    domains: certificateNames(inputs),
    dnsChallenges: {},
    httpChallenges: {},
    domainStatus: {},
    challengeChangeId: null,
    pendingChangeId: changeId,
    changeType,
    status: "created",
    csrs: {},
    csrFingerprints: {},
    assignedSlots: [],
    productionSlots: [],
    stagingSlots: [],
    autoRenewalStartTime: null,
    lastUpdateStartedNewCertificate: null,
    adopted,
  };

  // From here the engine gets the id (in the result, or as partial state): the journal entry is done.
  return withForgottenCreate(identity, () => keepInState(id, () => outs, async () => {
    if (adopted) {
      // Bring the adopted enrollment to the desired state like an update would.
      const updated = await update(ctx, { id, olds: outs, news: inputs, raw: props });
      outs = updated.outs;
      return { id, outs };
    }
    if (resumed ? resumedDrift.length > 0 : inputs.clientMutualAuthentication) {
      // CPS does not take mutual TLS settings on create; they follow in a PUT (as Terraform does),
      // which replaces the just-created change: follow the change the PUT leaves pending. A resumed
      // create whose inputs changed since is brought up to date the same way (its change is ours).
      const put = await client.updateEnrollment({ enrollmentId, enrollment: enrollmentRequest(inputs), allowCancelPendingChanges: true });
      const pending = latestChangeId(put) ?? latestPendingChange(await client.getEnrollment(enrollmentId))?.changeId;
      if (pending !== undefined) changeId = pending;
      outs = { ...outs, pendingChangeId: changeId };
      progress(`applied mutual TLS settings (change ${changeId ?? "none"})`);
    }
    const actionable = changeId !== null ? await followChange(client, inputs, enrollmentId, changeId, progress, timeout) : undefined;
    const live = await client.getEnrollment(enrollmentId);
    outs = { ...outs, ...outputsFrom(inputs, enrollmentId, actionable, changeId, changeType, {}), ...slotsAndLive(live) };
    return { id, outs };
  }));
}

async function withForgottenCreate<T>(identity: ResourceIdentity | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } finally {
    forgetCreate(identity);
  }
}

interface LiveLookup {
  enrollment?: Enrollment;
  /** false when CPS could not be asked (preview falls back to state). */
  reachable: boolean;
}

async function lookupLive(client: CpsApi, contractId: string, enrollmentId: number, progress: Progress): Promise<LiveLookup> {
  try {
    const byId = await liveEnrollments(client, contractId);
    const hit = byId.get(enrollmentId);
    return hit ? { enrollment: hit, reachable: true } : { reachable: true };
  } catch (e) {
    progress(`warning: could not read live enrollments of contract ${contractId} (${plainMessage(e)}); comparing with state only`);
    return { reachable: false };
  }
}

function diffUnknown(news: Given_): pulumi.dynamic.DiffResult {
  const unknownReplace = REPLACE_FIELDS.filter((k) => hasUnknowns(news[k]));
  return { changes: true, replaces: unknownReplace, deleteBeforeReplace: false };
}

async function diff(ctx: ResourceContext, { id, olds, news: desired, raw: news }: { id: string; olds: EnrollmentState; news: EnrollmentInputs; raw: Given_ }): Promise<pulumi.dynamic.DiffResult> {
  const want = viewOfInputs(desired);
  // Compared under their current names: a deprecated spelling (`waitTimeout`) is no change.
  const before = enrollmentInputsSchema.safeParse(pickKeys(canonicalInputs(enrollmentInputsSchema, olds).props, INPUT_KEYS));
  // Inputs that only steer this provider (policies, timeouts) change state without touching CPS.
  const providerOnly = changedInputs(enrollmentInputsSchema, olds, news, PROVIDER_ONLY_INPUTS).length > 0;

  const { cps: client, progress } = ctx;
  const enrollmentId = Number(id);
  const live = await lookupLive(client, desired.contractId, enrollmentId, progress);
  if (live.reachable && !live.enrollment) {
    progress(`enrollment ${enrollmentId} no longer exists in CPS (deleted outside Pulumi): it will be created again`);
    return { changes: true, replaces: ["enrollmentId"], deleteBeforeReplace: true };
  }
  // State without inputs (imported through Read, e.g. `pulumi refresh --import-pending-creates`):
  // compare with the live enrollment; missing inputs must never plan a replacement, which would delete it.
  const oldView = before.success ? viewOfInputs(before.data) : live.enrollment ? viewOfEnrollment(live.enrollment, desired.contractId, want) : want;
  const inputChanges = Object.keys(want).filter((k) => want[k] !== oldView[k]);
  const replaces = REPLACE_FIELDS.filter((k) => inputChanges.includes(k));
  let drift: string[] = [];
  let newChange = false;
  if (live.enrollment) {
    drift = changedKeys(want, viewOfEnrollment(live.enrollment, desired.contractId, want));
    if (drift.length > 0) progress(`live enrollment ${enrollmentId} differs from the program in: ${drift.join(", ")}`);
    const removal = replaces.length === 0 ? sanRemovalExpectation([live.enrollment.csr.cn, ...(live.enrollment.csr.sans ?? [])], certificateNames(desired)) : undefined;
    if (removal) {
      progress(
        `removing ${removal.removedNames.join(", ")} from the certificate: if they are live on the network, CPS warns about it (${SAN_REMOVAL_WARNING_IDS.join(" / ")}); ` +
          "DvValidation and Deployment acknowledge that warning as the consequence of this change, other warnings follow their postVerificationWarnings policy",
      );
    }
    const pending = latestPendingChange(live.enrollment);
    if (pending && pending.changeId !== olds.pendingChangeId && pending.changeId !== olds.challengeChangeId) {
      newChange = true;
      progress(`CPS opened change ${pending.changeId} (${pending.changeType ?? "unknown type"}): its challenges/CSR will be picked up`);
    } else if (pending && desired.cancelPendingChanges && (await pendingChangeFailed(client, enrollmentId, pending.changeId))) {
      // Only with cancelPendingChanges (the way out a failed change's error names): one status read,
      // so a preview of many enrollments stays at one list call per contract otherwise.
      newChange = true;
      progress(`change ${pending.changeId} failed: \`pulumi up\` cancels it and submits a fresh change (cancelPendingChanges: true)`);
    }
  }
  const changes = inputChanges.length > 0 || drift.length > 0 || newChange || providerOnly;
  return { changes, replaces: replaces.length > 0 ? replaces : [], deleteBeforeReplace: replaces.length > 0 && !desired.allowDuplicateCommonName };
}

function pendingChangeMessage(enrollmentId: number, pending: { changeId: number; changeType: string | null }, status?: string): string {
  return (
    `Enrollment ${enrollmentId} has a pending change ${pending.changeId} (${pending.changeType ?? "unknown type"}${status ? `, status ${status}` : ""}). ` +
    `Updating it now would cancel that change${pending.changeType === "renewal" ? " (a renewal)" : ""}. ` +
    "Wait until it completes, or set cancelPendingChanges: true to cancel it explicitly."
  );
}

async function update(
  ctx: ResourceContext,
  { id, olds, news: inputs, raw: news }: { id: string; olds: EnrollmentState; news: EnrollmentInputs; raw: Given_ },
): Promise<{ outs: Stored<Schema, EnrollmentComputed> }> {
  const { cps: client, progress } = ctx;
  const timeout = timeoutMs(inputs.timeout, 30 * 60_000);
  const enrollmentId = Number(id);
  const previous = olds;
  let outs: Record<string, unknown> = { ...olds, ...news };
  return keepInState(id, () => outs, async () => {
    const live = await client.getEnrollment(enrollmentId);
    const want = viewOfInputs(inputs);
    const drift = changedKeys(want, viewOfEnrollment(live, inputs.contractId, want));
    let pending = latestPendingChange(live);
    let httpStatus: 200 | 202 | null = null;
    // A failed change never continues: replace it (cancel, then submit afresh) when told to.
    const replaceFailed = pending ? await failedPendingChange(client, enrollmentId, pending.changeId) : undefined;
    if (pending && replaceFailed) {
      if (!inputs.cancelPendingChanges) throw replaceFailed;
      progress(`cancelling failed change ${pending.changeId} (${replaceFailed.cpsCode ?? "error"}) and submitting a fresh change`);
      await cancelChangeIfPresent(client, enrollmentId, pending.changeId);
      invalidateLiveEnrollments(client, inputs.contractId);
      pending = undefined;
    }
    if (drift.length > 0 || replaceFailed) {
      if (pending && !inputs.cancelPendingChanges) {
        const status = await client.getChangeStatus(enrollmentId, pending.changeId).then((c) => describeChange(c)).catch(() => undefined);
        throw new CodedError("PendingChangeWouldBeCancelled", pendingChangeMessage(enrollmentId, pending, status));
      }
      progress(`updating enrollment ${enrollmentId}: ${drift.join(", ")}`);
      const result = await client.updateEnrollment({
        enrollmentId,
        enrollment: enrollmentRequest(inputs),
        pendingChangeIds: live.pendingChanges.map((c) => c.changeId),
        ...(pending && inputs.cancelPendingChanges ? { allowCancelPendingChanges: true } : {}),
        // Without drift CPS opens no change for the same body: force-renewal asks for a new certificate.
        ...(replaceFailed ? { forceRenewal: true } : {}),
        ...(inputs.deploymentSchedule?.notBefore ? { deployNotBefore: inputs.deploymentSchedule.notBefore } : {}),
        ...(inputs.deploymentSchedule?.notAfter ? { deployNotAfter: inputs.deploymentSchedule.notAfter } : {}),
      });
      invalidateLiveEnrollments(client, inputs.contractId);
      httpStatus = result.httpStatus;
      progress(httpStatus === 202 ? "CPS started a new change (new certificate or deployment)" : "CPS applied the update without a new certificate");
      const started = latestChangeId(result);
      if (started !== undefined) pending = { changeId: started, changeType: null };
      else pending = latestPendingChange(await client.getEnrollment(enrollmentId));
    }
    const actionable = pending ? await followChange(client, inputs, enrollmentId, pending.changeId, progress, timeout) : undefined;
    const after = await client.getEnrollment(enrollmentId);
    const changeType = pending ? (latestPendingChange(after)?.changeType ?? pending.changeType) : null;
    const done = {
      ...olds,
      ...news,
      ...outputsFrom(inputs, enrollmentId, actionable, pending?.changeId ?? null, changeType, previous),
      ...slotsAndLive(after),
      lastUpdateStartedNewCertificate: httpStatus === null ? (previous.lastUpdateStartedNewCertificate ?? null) : httpStatus === 202,
      adopted: previous.adopted ?? false,
    };
    outs = done;
    return { outs: done };
  });
}

async function read(ctx: ResourceContext, { id, props }: { id: string; props: EnrollmentState }): Promise<{ id: string; props: EnrollmentState }> {
  const client = ctx.cps;
  const enrollmentId = Number(id);
  const live = await client.findEnrollment(enrollmentId);
  if (!live) return { id: "", props: {} };
  const previous = props;
  const pending = latestPendingChange(live);
  let challenges: ExtractedChallenges | undefined;
  let status = pending ? (previous.status ?? "pending") : "active";
  let csrs: CsrOutputs | undefined;
  if (pending) {
    // One status call and at most one info call: refresh never waits for anything.
    const change = await client.getChangeStatus(enrollmentId, pending.changeId);
    status = change.statusInfo.status;
    const dv = findInput(change, INPUT.letsEncryptChallenges);
    if (dv && isDvCoordination(status)) challenges = extractChallenges(await client.getDvChallenges(dv));
    const tp = findInput(change, INPUT.thirdPartyCertificate);
    if (tp) csrs = csrOutputs(await client.getThirdPartyCsrs(tp));
  }
  const offeredNew = !!challenges || !!csrs;
  const domains = [live.csr.cn.toLowerCase(), ...[...new Set((live.csr.sans ?? []).map((s) => s.toLowerCase()))].filter((s) => s !== live.csr.cn.toLowerCase()).sort()];
  const outs: EnrollmentState = {
    ...props,
    domains,
    ...dvEntries(live.validationType, domains, mergeChallenges(domains, challenges, previous)),
    challengeChangeId: offeredNew ? pending!.changeId : (previous.challengeChangeId ?? null),
    pendingChangeId: pending?.changeId ?? null,
    changeType: pending?.changeType ?? null,
    status,
    csrs: csrs?.csrs ?? previous.csrs ?? {},
    csrFingerprints: csrs?.fingerprints ?? previous.csrFingerprints ?? {},
    ...slotsAndLive(live),
  };
  return { id, props: outs };
}

async function remove(ctx: ResourceContext, { id, props }: { id: string; props: EnrollmentState }): Promise<void> {
  const { cps: client, progress } = ctx;
  const enrollmentId = Number(id);
  const allowDeployed = props.allowDeleteWhileDeployed === true;
  // State written before deleteTimeout existed has none: the default applies.
  const deleteTimeout = typeof props.deleteTimeout === "string" || typeof props.deleteTimeout === "number" ? props.deleteTimeout : undefined;
  const timeout = timeoutMs(deleteTimeout, 60 * 60_000);
  // undefined when nothing is deployed, also for an enrollment already gone (removeEnrollment's 404 below ends that case)
  const production = await client.getProductionDeployment(enrollmentId);
  if (production?.primaryCertificate?.certificate && !allowDeployed) {
    throw liveOnProductionRefusal(enrollmentId, "Enrollment");
  }
  let result;
  try {
    result = await client.removeEnrollment({ enrollmentId, allowCancelPendingChanges: true });
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  if (typeof props.contractId === "string") invalidateLiveEnrollments(client, cpsContractId(props.contractId));
  if (result.httpStatus === 200) {
    progress(`deleted enrollment ${enrollmentId}`);
    return;
  }
  progress(`CPS is removing enrollment ${enrollmentId} from the network`);
  const deleteChange = latestChangeId(result);
  const enrollmentGone = async (): Promise<boolean> => (await client.findEnrollment(enrollmentId)) === undefined;
  await follow<true>(
    { cps: client, progress },
    // Without a change id CPS named no change to follow: `before` answers every poll, nothing reads a change.
    { enrollmentId, changeId: deleteChange ?? 0 },
    [
      // Deleting can raise post-verification warnings (e.g. names still live): the delete was asked for, so acknowledge them (Terraform #759).
      acknowledgePostVerification({ policy: "acknowledge-all", policyInput: "delete" }),
      changeManagement({ acknowledge: true }),
    ],
    {
      what: `deletion of enrollment ${enrollmentId}`,
      timeoutMs: timeout,
      // Done when the enrollment is gone, whatever the change says.
      before: async () => ((await enrollmentGone()) ? { done: true, state: "deleted" } : deleteChange === undefined ? { state: "deleting" } : undefined),
      onGone: () => ({ state: "deleting" }),
    },
  );
}

/** The Enrollment dynamic provider implementation (loaded by the serialized shim in sdk/). */
export const enrollmentProvider = defineResource<Schema, EnrollmentComputed>({
  name: "enrollment",
  inputs: enrollmentInputsSchema,
  diffUnknown,
  diff,
  create,
  update,
  read,
  delete: remove,
});

export { PartialStateError };
