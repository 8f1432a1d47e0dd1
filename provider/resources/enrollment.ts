/**
 * The Enrollment dynamic provider: a CPS enrollment and the change that issues its certificate.
 *
 * - check: every input parsed before any API call, one failure per property.
 * - diff: desired inputs against the *live* enrollment (shared list per contract), so preview shows
 *   Control Center edits and pending renewals; falls back to state when CPS is unreachable.
 * - create: resumes an enrollment left by an interrupted run instead of creating a duplicate; after
 *   POST every failure keeps the enrollment in state (partial state).
 * - update: never cancels a pending change unless `cancelPendingChanges` is set.
 * - read: never blocks; a deleted enrollment reads as gone.
 * - delete: refuses to remove a certificate live on production unless allowed; waits until gone.
 */
import type * as pulumi from "@pulumi/pulumi";
import { CpsApiError, CpsClient, Enrollment } from "../cps";
import { handleWarnings } from "../lifecycle/acknowledgements";
import { ExtractedChallenges, extractChallenges, mergeChallenges } from "../lifecycle/challenges";
import { ActionableChange, waitForActionableChange } from "../lifecycle/enrollment-wait";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { waitUntil } from "../lifecycle/poll";
import type { Progress } from "../lifecycle/progress";
import { describeChange, findInput, INPUT, isDvCoordination } from "../lifecycle/statuses";
import { isTransient } from "../lifecycle/transient";
import { parseInputs, pickKeys, progressOf } from "./check";
import { timeoutMs } from "./common-inputs";
import { certificateNames, EnrollmentInputs, enrollmentInputsSchema } from "./enrollment-inputs";
import { changedKeys, enrollmentRequest, REPLACE_FIELDS, viewOfEnrollment, viewOfInputs } from "./enrollment-spec";
import { invalidateLiveEnrollments, liveEnrollments } from "./live-enrollments";
import { keepInState, PartialStateError } from "./partial-state";
import { getClient } from "./provider-config";
import type { CsrOutputs } from "./csr-outputs";
import { hasUnknowns } from "./unknowns";
import { resourceProvider } from "./resource-provider";

const INPUT_KEYS = Object.keys(enrollmentInputsSchema.shape);

/** What the Enrollment resource records besides its inputs. */
export interface EnrollmentComputed {
  enrollmentId: number;
  location: string | null;
  domains: string[];
  dnsChallenges: ExtractedChallenges["dnsChallenges"];
  httpChallenges: ExtractedChallenges["httpChallenges"];
  domainStatus: ExtractedChallenges["domainStatus"];
  /** The change whose challenges/CSRs are shown. */
  challengeChangeId: number | null;
  pendingChangeId: number | null;
  changeType: string | null;
  status: string;
  csrs: CsrOutputs["csrs"];
  csrFingerprints: CsrOutputs["fingerprints"];
  assignedSlots: number[];
  productionSlots: number[];
  stagingSlots: number[];
  autoRenewalStartTime: string | null;
  /** Whether the last update made CPS start a new certificate (HTTP 202) or not (200). */
  lastUpdateStartedNewCertificate: boolean | null;
  /** True when this resource adopted an existing enrollment rather than creating it. */
  adopted: boolean;
}

type Props = Record<string, unknown>;

function computedFrom(props: Props): Partial<EnrollmentComputed> {
  return props as Partial<EnrollmentComputed>;
}

function slotsAndLive(e: Enrollment): Pick<EnrollmentComputed, "location" | "assignedSlots" | "productionSlots" | "stagingSlots" | "autoRenewalStartTime"> {
  return {
    location: e.location ?? null,
    assignedSlots: e.assignedSlots ?? [],
    productionSlots: e.productionSlots ?? [],
    stagingSlots: e.stagingSlots ?? [],
    autoRenewalStartTime: e.autoRenewalStartTime ?? null,
  };
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
  const merged = mergeChallenges(names, challenges, previous);
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

async function followChange(client: CpsClient, inputs: EnrollmentInputs, enrollmentId: number, changeId: number, progress: Progress, timeout: number): Promise<ActionableChange> {
  return waitForActionableChange({
    client,
    enrollmentId,
    changeId,
    preVerificationWarnings: inputs.preVerificationWarnings,
    timeoutMs: timeout,
    progress,
  });
}

/** An enrollment that an interrupted run created: same contract, CN, names and type, with its first change still pending. */
async function findResumable(client: CpsClient, inputs: EnrollmentInputs, progress?: Progress): Promise<Enrollment | undefined> {
  let live: Enrollment[];
  try {
    live = await client.listEnrollments(inputs.contractId);
  } catch (error) {
    // API credentials may create enrollments without being allowed to list the contract's: then there
    // is nothing to resume that we could see, and creating is the only way forward.
    // Without `progress` (after a lost create answer) a refused list must not lead to posting again.
    if (!(error instanceof CpsApiError && error.status === 403) || progress === undefined) throw error;
    progress(`CPS refused to list the enrollments of contract ${inputs.contractId} (403); creating without looking for one to resume`);
    return undefined;
  }
  const want = viewOfInputs(inputs);
  const keys = ["commonName", "sans", "validationType", "secureNetwork", "sniOnly"];
  return live
    .filter((e) => {
      const got = viewOfEnrollment(e, inputs.contractId, want);
      return keys.every((k) => got[k] === want[k]) && (e.pendingChanges ?? []).some((p) => p.changeType === "new-certificate");
    })
    .sort((a, b) => b.id - a.id)[0];
}

const CREATE_ATTEMPTS = 3;

/**
 * POST the enrollment. The client never repeats a POST that may have reached CPS (a 5xx or a reset
 * mid-request), because repeating it could create a second enrollment. Here we can tell: after such
 * a failure, look for the enrollment the POST may have created before posting again.
 */
async function postEnrollment(client: CpsClient, inputs: EnrollmentInputs, progress: Progress): Promise<{ enrollmentId: number; changeId: number | null }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await client.createEnrollment({
        contractId: inputs.contractId,
        enrollment: enrollmentRequest(inputs, { includeMutualAuth: false }),
        ...(inputs.allowDuplicateCommonName ? { allowDuplicateCn: true } : {}),
        ...(inputs.deploymentSchedule?.notBefore ? { deployNotBefore: inputs.deploymentSchedule.notBefore } : {}),
        ...(inputs.deploymentSchedule?.notAfter ? { deployNotAfter: inputs.deploymentSchedule.notAfter } : {}),
      });
      const changeId = result.changeIds.length > 0 ? Math.max(...result.changeIds) : null;
      progress(`created enrollment ${result.enrollmentId} (change ${changeId ?? "none"})`);
      return { enrollmentId: result.enrollmentId, changeId };
    } catch (e) {
      if (!isTransient(e) || attempt >= CREATE_ATTEMPTS) throw e;
      progress(`creating the enrollment failed (${e instanceof Error ? e.message : String(e)}); checking whether CPS created it anyway`);
      invalidateLiveEnrollments(client, inputs.contractId);
      const landed = await findResumable(client, inputs);
      if (landed) {
        progress(`CPS did create enrollment ${landed.id}: continuing with it`);
        return { enrollmentId: landed.id, changeId: latestPendingChange(landed)?.changeId ?? null };
      }
    }
  }
}

async function create(props: Props): Promise<{ id: string; outs: Props }> {
  const inputs = parseInputs(enrollmentInputsSchema, props);
  const client = getClient();
  const progress = progressOf(props, "enrollment");
  const timeout = timeoutMs(inputs.waitTimeout, 30 * 60_000);

  let enrollmentId: number;
  let changeId: number | null = null;
  let changeType: string | null = null;
  let adopted = false;
  if (inputs.adoptEnrollmentId !== undefined) {
    const existing = await client.getEnrollment(inputs.adoptEnrollmentId);
    enrollmentId = existing.id;
    adopted = true;
    progress(`adopting existing enrollment ${enrollmentId} (${existing.csr.cn})`);
  } else {
    const resumable = await findResumable(client, inputs, progress);
    if (resumable) {
      enrollmentId = resumable.id;
      const pending = latestPendingChange(resumable);
      changeId = pending?.changeId ?? null;
      changeType = pending?.changeType ?? null;
      progress(`resuming enrollment ${enrollmentId} left by an interrupted run (change ${changeId}) instead of creating a duplicate`);
    } else {
      const created = await postEnrollment(client, inputs, progress);
      enrollmentId = created.enrollmentId;
      changeId = created.changeId;
      changeType = "new-certificate";
    }
  }
  invalidateLiveEnrollments(client, inputs.contractId);

  const id = String(enrollmentId);
  let outs: Props = {
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
  } satisfies Props & EnrollmentComputed;

  return keepInState(id, () => outs, async () => {
    if (adopted) {
      // Bring the adopted enrollment to the desired state like an update would.
      const updated = await update(id, outs, props);
      outs = updated.outs;
      return { id, outs };
    }
    if (inputs.clientMutualAuthentication) {
      // CPS does not take mutual TLS settings on create; they follow in a PUT (as Terraform does),
      // which replaces the just-created change: follow the change the PUT leaves pending.
      const put = await client.updateEnrollment({ enrollmentId, enrollment: enrollmentRequest(inputs), allowCancelPendingChanges: true });
      const pending = put.changeIds.length > 0 ? Math.max(...put.changeIds) : latestPendingChange(await client.getEnrollment(enrollmentId))?.changeId;
      if (pending !== undefined) changeId = pending;
      outs = { ...outs, pendingChangeId: changeId };
      progress(`applied mutual TLS settings (change ${changeId ?? "none"})`);
    }
    const actionable = changeId !== null ? await followChange(client, inputs, enrollmentId, changeId, progress, timeout) : undefined;
    const live = await client.getEnrollment(enrollmentId);
    outs = { ...outs, ...outputsFrom(inputs, enrollmentId, actionable, changeId, changeType, {}), ...slotsAndLive(live) };
    return { id, outs };
  });
}

interface LiveLookup {
  enrollment?: Enrollment;
  /** false when CPS could not be asked (preview falls back to state). */
  reachable: boolean;
}

async function lookupLive(client: CpsClient, contractId: string, enrollmentId: number, progress: Progress): Promise<LiveLookup> {
  try {
    const byId = await liveEnrollments(client, contractId);
    const hit = byId.get(enrollmentId);
    return hit ? { enrollment: hit, reachable: true } : { reachable: true };
  } catch (e) {
    progress(`warning: could not read live enrollments of contract ${contractId} (${e instanceof Error ? e.message : String(e)}); comparing with state only`);
    return { reachable: false };
  }
}

async function diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  if (hasUnknowns(news)) {
    const unknownReplace = REPLACE_FIELDS.filter((k) => hasUnknowns(news[k]));
    return { changes: true, replaces: unknownReplace, deleteBeforeReplace: false };
  }
  const desired = parseInputs(enrollmentInputsSchema, news);
  const want = viewOfInputs(desired);
  const before = enrollmentInputsSchema.safeParse(pickKeys(olds, INPUT_KEYS));
  const oldView = before.success ? viewOfInputs(before.data) : {};
  const inputChanges = Object.keys(want).filter((k) => want[k] !== oldView[k]);
  const replaces = REPLACE_FIELDS.filter((k) => inputChanges.includes(k));
  // Inputs that only steer this provider (policies, timeouts) change state without touching CPS.
  const providerOnly = ["preVerificationWarnings", "cancelPendingChanges", "allowDeleteWhileDeployed", "waitTimeout", "deleteTimeout", "deploymentSchedule", "allowDuplicateCommonName", "adoptEnrollmentId"].some(
    (k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null),
  );

  const client = getClient();
  const progress = progressOf(news, "enrollment");
  const enrollmentId = Number(id);
  const live = await lookupLive(client, desired.contractId, enrollmentId, progress);
  if (live.reachable && !live.enrollment) {
    progress(`enrollment ${enrollmentId} no longer exists in CPS (deleted outside Pulumi): it will be created again`);
    return { changes: true, replaces: ["enrollmentId"], deleteBeforeReplace: true };
  }
  let drift: string[] = [];
  let newChange = false;
  if (live.enrollment) {
    drift = changedKeys(want, viewOfEnrollment(live.enrollment, desired.contractId, want));
    if (drift.length > 0) progress(`live enrollment ${enrollmentId} differs from the program in: ${drift.join(", ")}`);
    const pending = latestPendingChange(live.enrollment);
    const known = computedFrom(olds);
    if (pending && pending.changeId !== known.pendingChangeId && pending.changeId !== known.challengeChangeId) {
      newChange = true;
      progress(`CPS opened change ${pending.changeId} (${pending.changeType ?? "unknown type"}): its challenges/CSR will be picked up`);
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

async function update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  const inputs = parseInputs(enrollmentInputsSchema, news);
  const client = getClient();
  const progress = progressOf(news, "enrollment");
  const timeout = timeoutMs(inputs.waitTimeout, 30 * 60_000);
  const enrollmentId = Number(id);
  const previous = computedFrom(olds);
  let outs: Props = { ...olds, ...news };
  return keepInState(id, () => outs, async () => {
    const live = await client.getEnrollment(enrollmentId);
    const want = viewOfInputs(inputs);
    const drift = changedKeys(want, viewOfEnrollment(live, inputs.contractId, want));
    let pending = latestPendingChange(live);
    let httpStatus: 200 | 202 | null = null;
    if (drift.length > 0) {
      if (pending && !inputs.cancelPendingChanges) {
        const status = await client.getChangeStatus(enrollmentId, pending.changeId).then((c) => describeChange(c)).catch(() => undefined);
        throw new Error(pendingChangeMessage(enrollmentId, pending, status));
      }
      progress(`updating enrollment ${enrollmentId}: ${drift.join(", ")}`);
      const result = await client.updateEnrollment({
        enrollmentId,
        enrollment: enrollmentRequest(inputs),
        pendingChangeIds: live.pendingChanges.map((c) => c.changeId),
        ...(pending && inputs.cancelPendingChanges ? { allowCancelPendingChanges: true } : {}),
        ...(inputs.deploymentSchedule?.notBefore ? { deployNotBefore: inputs.deploymentSchedule.notBefore } : {}),
        ...(inputs.deploymentSchedule?.notAfter ? { deployNotAfter: inputs.deploymentSchedule.notAfter } : {}),
      });
      invalidateLiveEnrollments(client, inputs.contractId);
      httpStatus = result.httpStatus;
      progress(httpStatus === 202 ? "CPS started a new change (new certificate or deployment)" : "CPS applied the update without a new certificate");
      if (result.changeIds.length > 0) pending = { changeId: Math.max(...result.changeIds), changeType: null };
      else pending = latestPendingChange(await client.getEnrollment(enrollmentId));
    }
    const actionable = pending ? await followChange(client, inputs, enrollmentId, pending.changeId, progress, timeout) : undefined;
    const after = await client.getEnrollment(enrollmentId);
    const changeType = pending ? (latestPendingChange(after)?.changeType ?? pending.changeType) : null;
    outs = {
      ...olds,
      ...news,
      ...outputsFrom(inputs, enrollmentId, actionable, pending?.changeId ?? null, changeType, previous),
      ...slotsAndLive(after),
      lastUpdateStartedNewCertificate: httpStatus === null ? (previous.lastUpdateStartedNewCertificate ?? null) : httpStatus === 202,
      adopted: previous.adopted ?? false,
    };
    return { outs };
  });
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const client = getClient();
  const enrollmentId = Number(id);
  let live: Enrollment;
  try {
    live = await client.getEnrollment(enrollmentId);
  } catch (e) {
    if (e instanceof CpsApiError && e.status === 404) return { id: "", props: {} };
    throw e;
  }
  const previous = computedFrom(props);
  const pending = latestPendingChange(live);
  let challenges: ExtractedChallenges | undefined;
  let status = pending ? (previous.status ?? "pending") : "active";
  let csrs: CsrOutputs | undefined;
  if (pending) {
    // One status call and at most one info call: refresh never waits for anything.
    const change = await client.getChangeStatus(enrollmentId, pending.changeId);
    status = change.statusInfo.status;
    const dv = findInput(change, INPUT.dvChallenges);
    if (dv && isDvCoordination(status)) challenges = extractChallenges(await client.getDvChallenges(dv));
    const tp = findInput(change, INPUT.thirdPartyCertificate);
    if (tp) csrs = csrOutputs(await client.getThirdPartyCsrs(tp));
  }
  const offeredNew = !!challenges || !!csrs;
  const domains = [live.csr.cn.toLowerCase(), ...[...new Set((live.csr.sans ?? []).map((s) => s.toLowerCase()))].filter((s) => s !== live.csr.cn.toLowerCase()).sort()];
  const outs: Props = {
    ...props,
    domains,
    ...mergeChallenges(domains, challenges, previous),
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

async function remove(id: string, props: Props): Promise<void> {
  const client = getClient();
  const progress = progressOf(props, "enrollment");
  const enrollmentId = Number(id);
  const allowDeployed = props.allowDeleteWhileDeployed === true;
  const timeout = timeoutMs(props.deleteTimeout as string | number | undefined, 60 * 60_000);
  let production;
  try {
    production = await client.getProductionDeployment(enrollmentId);
  } catch (e) {
    if (e instanceof CpsApiError && e.status === 404) return; // the enrollment is already gone
    throw e;
  }
  if (production?.primaryCertificate?.certificate && !allowDeployed) {
    throw new Error(
      `Enrollment ${enrollmentId} has a certificate live on the production network; deleting it would stop TLS for its hostnames. ` +
        "Move the hostnames off this certificate first, or set allowDeleteWhileDeployed: true on the resource, run `pulumi up`, then delete.",
    );
  }
  let result;
  try {
    result = await client.removeEnrollment({ enrollmentId, allowCancelPendingChanges: true });
  } catch (e) {
    if (e instanceof CpsApiError && e.status === 404) return;
    throw e;
  }
  if (typeof props.contractId === "string") invalidateLiveEnrollments(client, props.contractId.replace(/^ctr_/, ""));
  if (result.httpStatus === 200) {
    progress(`deleted enrollment ${enrollmentId}`);
    return;
  }
  progress(`CPS is removing enrollment ${enrollmentId} from the network`);
  const deleteChange = result.changeIds.length > 0 ? Math.max(...result.changeIds) : undefined;
  await waitUntil<true>(
    async () => {
      try {
        await client.getEnrollment(enrollmentId);
      } catch (e) {
        if (e instanceof CpsApiError && e.status === 404) return { done: true, state: "deleted" };
        throw e;
      }
      if (deleteChange === undefined) return { state: "deleting" };
      const change = await client.getChangeStatus(enrollmentId, deleteChange).catch((e: unknown) => {
        if (e instanceof CpsApiError && e.status === 404) return undefined;
        throw e;
      });
      if (!change) return { state: "deleting" };
      // Deleting can raise post-verification warnings (e.g. names still live): the delete was asked for, so acknowledge them (Terraform #759).
      const post = findInput(change, INPUT.postVerificationWarnings);
      if (post) {
        await handleWarnings("post-verification", { client, enrollmentId, changeId: deleteChange, input: post, policy: "acknowledge-all", policyInput: "delete", progress });
      }
      const cm = findInput(change, INPUT.changeManagement);
      if (cm) {
        const info = await client.getChangeManagementInfo(cm);
        await client.acknowledgeChangeManagement(cm, "acknowledge", info.validationResultHash ?? undefined);
      }
      return { state: describeChange(change) };
    },
    { what: `deletion of enrollment ${enrollmentId}`, timeoutMs: timeout, progress },
  );
}

/** The Enrollment dynamic provider implementation (loaded by the serialized shim in sdk/). */
export const enrollmentProvider = resourceProvider(enrollmentInputsSchema, {
  diff,
  create,
  update,
  read,
  delete: remove,
});

export { PartialStateError };
