/**
 * The CertificateUpload dynamic provider: uploads third-party certificates (one per key algorithm)
 * into the enrollment's pending change, follows CPS through `verify-third-party-cert`, applies the
 * post-verification warning policy, acknowledges change management with the validation hash when
 * told, and waits for the requested network.
 *
 * - check: real X.509 parsing, no API call (certificate-upload-inputs.ts).
 * - create/update: the checks that need CPS (key against the change's CSR, the enrollment's names)
 *   run before the upload, so a bad certificate costs zero uploads. A renewal change is a normal
 *   target: no "create a new enrollment" dead end once a certificate is live.
 * - diff: a new change waiting for a third-party certificate (a renewal) shows as a change.
 * - read: reports what is uploaded and deployed, never waits.
 */
import type { X509Certificate } from "crypto";
import { AllowedInput, type CpsApi, Deployment, Enrollment, isNotFound } from "../cps";
import {
  acknowledgePostVerification,
  changeManagement,
  ChangeHandler,
  doneWhen,
  failOnError,
  FollowContext,
  followChange,
  observe,
  thirdPartyUploadOffered,
  waitingFor,
} from "../lifecycle/follow";
import { latestPendingChange } from "../lifecycle/pending-changes";
import type { Progress } from "../lifecycle/progress";
import { findInput, INPUT, isComplete, isOnStaging, isVerifyingThirdParty } from "../lifecycle/statuses";
import { CertificateUploadInputs, certificateUploadInputsSchema, ParsedEntry, parseEntry } from "./certificate-upload-inputs";
import { timeoutMs } from "./common-inputs";
import { csrOutputs } from "./csr-outputs";
import { deployedCertificateMismatch, deployedCertificateProblems } from "./deployed-certificate-check";
import { sanRemovalOf } from "./san-removal";
import { keepInState } from "./partial-state";
import { canonicalPem, canonicalPemText, certificateDnsNames, certificateKeyFingerprint, parseCertificatePem, pemBlocks, summarize, CertificateSummary } from "./pem";
import { canonicalJson, sameValue } from "./same-value";
import { hasUnknowns } from "./unknowns";
import { defineResource, type Given, type ResourceContext, type State } from "./define-resource";
import type { z } from "zod";
import { CodedError } from "./coded-error";

type Schema = typeof certificateUploadInputsSchema;
type Olds = State<Schema, CertificateUploadOutputs>;

/** What is deployed on one network, compared with this resource's certificates. */
export interface NetworkCertificates {
  /** The certificates on the network, one per key algorithm. */
  certificates: CertificateSummary[];
  /** Whether they are the certificates given to this resource (every input certificate is the one deployed for its key algorithm). */
  matchesInputs: boolean;
}

/**
 * What CertificateUpload outputs besides its inputs, declared once: the provider writes them and the
 * SDK's `CertificateUpload` class declares its output properties from this interface
 * (sdk/certificate-upload.ts), all but `uploadedFingerprints`, which is the provider's own.
 */
export interface CertificateUploadOutputs {
  /** The change the certificates went into (null when they were already live and nothing was pending). */
  changeId: number | null;
  /** That change's last seen status (`complete` once nothing is pending). */
  status: string | null;
  /** @deprecated use `status` (same value; kept for one release). */
  changeStatus: string | null;
  /** Key fingerprints and serials of what was uploaded (resuming skips an upload already made). Not an SDK output. */
  uploadedFingerprints: string;
  /** The uploaded certificates. */
  uploaded: CertificateSummary[];
  /** Warning IDs acknowledged under the policy. */
  acknowledgedWarnings: string[];
  /** What is on staging now, compared with the uploaded certificates. */
  staging: NetworkCertificates | null;
  /** What is on production now, compared with the uploaded certificates. */
  production: NetworkCertificates | null;
}

function parsedEntries(inputs: CertificateUploadInputs): ParsedEntry[] {
  return inputs.certificates.map((entry, i) => {
    const parsed = parseEntry(entry);
    if (!parsed) throw new CodedError("BadInput", `certificates[${i}]: the PEM does not parse (check should have caught this)`);
    return parsed;
  });
}

function deployedCertificates(d: Deployment | undefined): Array<{ keyAlgorithm: string; cert: X509Certificate }> {
  const all = [d?.primaryCertificate, ...(d?.multiStackedCertificates ?? [])];
  const out: Array<{ keyAlgorithm: string; cert: X509Certificate }> = [];
  for (const c of all) {
    if (!c?.certificate) continue;
    const parsed = parseCertificatePem(pemBlocks(c.certificate)[0] ?? c.certificate);
    if (parsed.ok) out.push({ keyAlgorithm: (c.keyAlgorithm ?? "RSA").toUpperCase(), cert: parsed.cert });
  }
  return out;
}

function onNetwork(d: Deployment | undefined, entries: readonly ParsedEntry[]): NetworkCertificates | null {
  const deployed = deployedCertificates(d);
  if (deployed.length === 0) return null;
  const matchesInputs = entries.every((e) => deployed.some((x) => x.keyAlgorithm === e.keyAlgorithm && x.cert.raw.equals(e.leaf.raw)));
  return { certificates: deployed.map((x) => summarize(x.cert, x.keyAlgorithm)), matchesInputs };
}

/** undefined when nothing is deployed on that network (the client maps CPS's 404 to undefined). */
function deployment(client: CpsApi, enrollmentId: number, network: "staging" | "production"): Promise<Deployment | undefined> {
  return network === "production" ? client.getProductionDeployment(enrollmentId) : client.getStagingDeployment(enrollmentId);
}

/** The names a third-party certificate must cover: CN and SANs, or only the CN with `excludeSans`. */
function enrollmentNames(enrollment: Enrollment): string[] {
  const cn = enrollment.csr.cn.toLowerCase();
  if (enrollment.thirdParty?.excludeSans) return [cn];
  return [...new Set([cn, ...(enrollment.csr.sans ?? []).map((s) => s.toLowerCase())])];
}

/** Checks that need the live enrollment and the change's CSRs; each message names the property. */
export function liveProblems(entries: readonly ParsedEntry[], csrs: ReadonlyArray<{ keyAlgorithm: string; csr: string }>, names: readonly string[]): string[] {
  const { fingerprints } = csrOutputs(csrs);
  const problems: string[] = [];
  entries.forEach((e, i) => {
    const expected = e.keyAlgorithm === "RSA" ? fingerprints.rsa : fingerprints.ecdsa;
    if (!expected) {
      const offered = csrs.map((c) => c.keyAlgorithm).join(", ") || "none";
      problems.push(`certificates[${i}].keyAlgorithm: the change offers no ${e.keyAlgorithm} CSR (CSRs offered: ${offered}); set dualStack on the Enrollment for RSA and ECDSA`);
    } else if (certificateKeyFingerprint(e.leaf) !== expected) {
      problems.push(
        `certificates[${i}].certificatePem: its public key does not match the change's current ${e.keyAlgorithm} CSR; issue the certificate from enrollment.csrs.${e.keyAlgorithm.toLowerCase()} (a renewal generates a new key and CSR)`,
      );
    }
    const have = new Set(certificateDnsNames(e.leaf));
    const missing = names.filter((n) => !have.has(n));
    if (missing.length > 0) problems.push(`certificates[${i}].certificatePem: does not cover ${missing.join(", ")}, which the enrollment requires`);
  });
  return problems;
}

/**
 * CPS opens a third-party renewal 60 days before the certificate expires (API workflow,
 * https://techdocs.akamai.com/cps/reference/about-the-cps-workflow): a certificate with less left
 * than that is renewed as soon as it is deployed, and every `pulumi up` issues another one.
 */
const THIRD_PARTY_RENEWAL_LEAD_DAYS = 60;

export function shortLivedWarnings(entries: readonly ParsedEntry[], now: Date): string[] {
  return entries.flatMap((e) => {
    const daysLeft = Math.floor((Date.parse(e.leaf.validTo) - now.getTime()) / 86_400_000);
    if (daysLeft > THIRD_PARTY_RENEWAL_LEAD_DAYS) return [];
    return [
      `warning: the ${e.keyAlgorithm} certificate expires in ${daysLeft} day(s), inside CPS's ${THIRD_PARTY_RENEWAL_LEAD_DAYS}-day renewal window for third-party certificates: ` +
        "CPS will open a renewal as soon as it is deployed, and each `pulumi up` will issue and upload another one. Ask the CA for a longer validity (see docs/third-party.md#short-lived-certificates).",
    ];
  });
}

interface FlowResult {
  changeId: number | null;
  changeStatus: string | null;
  acknowledgedWarnings: string[];
}

async function uploadedInChange(client: CpsApi, enrollmentId: number, entries: readonly ParsedEntry[]): Promise<boolean> {
  const history = await client.getChangeHistory(enrollmentId);
  const current = history.changes.find((c) => c.status === "incomplete");
  if (!current) return false;
  const certs = [current.primaryCertificate, ...(current.multiStackedCertificates ?? [])].flatMap((c) => (c?.certificate ? [canonicalPemText(c.certificate)] : []));
  return entries.every((e) => certs.includes(canonicalPem(e.leaf)));
}

/** The whole flow for one `up`: find the change, check, upload, follow it as far as asked. */
async function run(client: CpsApi, inputs: CertificateUploadInputs, entries: readonly ParsedEntry[], previous: Partial<Pick<CertificateUploadOutputs, "changeId" | "uploadedFingerprints">>, progress: Progress): Promise<FlowResult> {
  const enrollmentId = inputs.enrollmentId;
  const enrollment = await client.getEnrollment(enrollmentId);
  const pending = latestPendingChange(enrollment);
  if (!pending) {
    const production = onNetwork(await deployment(client, enrollmentId, "production"), entries);
    if (production?.matchesInputs) {
      progress(`these certificates are already live on production for enrollment ${enrollmentId}: nothing to upload`);
      return { changeId: null, changeStatus: "complete", acknowledgedWarnings: [] };
    }
    throw new CodedError(
      "NoChangeForUpload",
      `Enrollment ${enrollmentId} has no pending change, and the certificate ${production ? "live on production differs from" : "to upload is not"} the one in certificates. ` +
        "CPS accepts a third-party certificate only into a change that waits for one: a renewal, or a change started by editing a certificate field of the Enrollment (for example its SANs). " +
        (enrollment.autoRenewalStartTime ? `CPS opens the next renewal on its own at ${enrollment.autoRenewalStartTime}; ` : "") +
        "once the change exists, the Enrollment's csrs output carries its new CSR: issue the certificate from it and run `pulumi up` again.",
    );
  }
  const changeId = pending.changeId;
  const ctx: FollowContext = { cps: client, progress };
  const ids = { enrollmentId, changeId };
  const timeout = timeoutMs(inputs.timeout, 60 * 60_000);
  const acknowledgedWarnings: string[] = [];
  const uploaded = previous.changeId === changeId && previous.uploadedFingerprints === fingerprintsKey(entries);
  let lastStatus: string | null = null;
  if (!uploaded) {
    // Before uploading: wait until the change asks for a certificate, or find it already took ours (resumed run).
    const tp = await followChange<{ input?: AllowedInput }>(
      ctx,
      ids,
      [
        failOnError,
        thirdPartyUploadOffered((input) => ({ input })),
        doneWhen((change) => isVerifyingThirdParty(change) || isOnStaging(change) || isComplete(change), () => ({})),
        waitingFor("waiting for CPS to ask for the third-party certificate"),
      ],
      { what: `enrollment ${enrollmentId} change ${changeId}`, timeoutMs: timeout },
    );
    if (tp.input) {
      const csrs = await client.getThirdPartyCsrs(tp.input);
      const problems = liveProblems(entries, csrs, enrollmentNames(enrollment));
      if (problems.length > 0) throw new CodedError("UploadRefused", `Not uploading to enrollment ${enrollmentId} change ${changeId}:\n  ${problems.join("\n  ")}`);
      await client.uploadThirdPartyCertificates(
        tp.input,
        entries.map((e) => ({ keyAlgorithm: e.keyAlgorithm, certificate: canonicalPem(e.leaf), ...(e.chain.length > 0 ? { trustChain: e.chain.map(canonicalPem).join("") } : {}) })),
      );
      progress(`uploaded ${entries.map((e) => `${e.keyAlgorithm} ${e.leaf.serialNumber}`).join(", ")} into change ${changeId}`);
      for (const line of shortLivedWarnings(entries, new Date())) progress(line);
    } else if (!(await uploadedInChange(client, enrollmentId, entries))) {
      throw new CodedError(
        "UploadRefused",
        `Enrollment ${enrollmentId} change ${changeId} is already past the upload step with a different certificate. ` +
          "Let it finish (or cancel it in CPS), then upload these certificates into the next change.",
      );
    } else progress(`change ${changeId} already has these certificates: following it`);
  }
  const usesChangeManagement = enrollment.changeManagement === true;
  const untilAsked: Array<ChangeHandler<true>> =
    inputs.waitForDeployment === "none"
      ? [doneWhen((change) => !isVerifyingThirdParty(change) && (!usesChangeManagement || !inputs.acknowledgeChangeManagement), () => true)]
      : inputs.waitForDeployment === "staging"
        ? [doneWhen(isOnStaging, () => true)]
        : [
            changeManagement({
              acknowledge: false,
              refuse: (ids) =>
                new CodedError(
                  "ChangeManagementRequired",
                  `Enrollment ${ids.enrollmentId} change ${ids.changeId}: the certificate is on the staging network and waits for your change-management acknowledgement. ` +
                    'Test it on staging, then set acknowledgeChangeManagement: true (or waitForDeployment: "staging") and run `pulumi up` again.',
                ),
            }),
          ];
  await followChange<true>(
    ctx,
    ids,
    [
      failOnError,
      observe((change) => {
        lastStatus = change.statusInfo.status;
      }),
      acknowledgePostVerification({
        policy: inputs.postVerificationWarnings,
        policyInput: "postVerificationWarnings",
        expected: () => sanRemovalOf(client, enrollmentId),
        onAcknowledged: (warnings) => acknowledgedWarnings.push(...warnings.map((w) => w.id)),
      }),
      changeManagement({ acknowledge: inputs.acknowledgeChangeManagement }),
      doneWhen(isComplete, () => true),
      ...untilAsked,
    ],
    {
      what: `third-party certificate in enrollment ${enrollmentId} change ${changeId} (until ${inputs.waitForDeployment === "none" ? "verified" : inputs.waitForDeployment})`,
      timeoutMs: timeout,
      // A finished change leaves pendingChanges: the networks are read next.
      goneMeansDone: true,
    },
  );
  return { changeId, changeStatus: lastStatus, acknowledgedWarnings };
}

function fingerprintsKey(entries: readonly ParsedEntry[]): string {
  return entries.map((e) => `${e.keyAlgorithm}:${certificateKeyFingerprint(e.leaf)}:${e.leaf.serialNumber}`).sort().join(",");
}

async function networkOutputs(client: CpsApi, enrollmentId: number, entries: readonly ParsedEntry[]): Promise<{ staging: NetworkCertificates | null; production: NetworkCertificates | null }> {
  const [staging, production] = await Promise.all([deployment(client, enrollmentId, "staging"), deployment(client, enrollmentId, "production")]);
  return { staging: onNetwork(staging, entries), production: onNetwork(production, entries) };
}

/**
 * After waiting for a network: what CPS reports there must be the uploaded certificates, covering the
 * enrollment's names, with the uploaded key algorithms, not expired. Further names are the user's own
 * choice here (the certificate is theirs), so "covers" rather than "exactly".
 */
async function checkDeployed(client: CpsApi, enrollmentId: number, network: "staging" | "production", entries: readonly ParsedEntry[]): Promise<void> {
  const [raw, enrollment] = await Promise.all([deployment(client, enrollmentId, network), client.getEnrollment(enrollmentId)]);
  const leaves = deployedCertificates(raw);
  const problems = deployedCertificateProblems(leaves, { names: enrollmentNames(enrollment), exactNames: false, keyAlgorithms: entries.map((e) => e.keyAlgorithm) }, new Date());
  for (const e of entries) {
    const there = leaves.find((l) => l.keyAlgorithm === e.keyAlgorithm);
    if (there && !there.cert.raw.equals(e.leaf.raw)) problems.push(`the ${e.keyAlgorithm} certificate there (serial ${there.cert.serialNumber}) is not the one uploaded (serial ${e.leaf.serialNumber})`);
  }
  if (problems.length > 0) throw deployedCertificateMismatch(enrollmentId, network, problems);
}

async function apply(ctx: ResourceContext, inputs: CertificateUploadInputs, props: Given<z.input<Schema>>, previous: Olds | Record<string, never>) {
  const entries = parsedEntries(inputs);
  const { cps: client, progress } = ctx;
  let outs: Record<string, unknown> = { ...previous, ...props };
  return keepInState(String(inputs.enrollmentId), () => outs, async () => {
    const flow = await run(client, inputs, entries, previous, progress);
    const done = {
      ...props,
      changeId: flow.changeId,
      // `status` is the name every resource uses; `changeStatus` is kept for one release (issue #17).
      status: flow.changeStatus,
      changeStatus: flow.changeStatus,
      uploadedFingerprints: fingerprintsKey(entries),
      uploaded: entries.map((e) => summarize(e.leaf, e.keyAlgorithm)),
      acknowledgedWarnings: flow.acknowledgedWarnings,
      ...(await networkOutputs(client, inputs.enrollmentId, entries)),
    };
    outs = done;
    if (inputs.waitForDeployment !== "none") await checkDeployed(client, inputs.enrollmentId, inputs.waitForDeployment, entries);
    return done;
  });
}

function certificatesKey(value: unknown): string {
  if (!Array.isArray(value)) return canonicalJson(value);
  return canonicalJson(
    value.map((c: unknown) => {
      const entry = (c ?? {}) as Record<string, unknown>;
      return [entry.keyAlgorithm, canonicalPemText(typeof entry.certificatePem === "string" ? entry.certificatePem : ""), canonicalPemText(typeof entry.trustChainPem === "string" ? entry.trustChainPem : "")];
    }),
  );
}

export const certificateUploadProvider = defineResource<Schema, CertificateUploadOutputs>({
  name: "certificate-upload",
  inputs: certificateUploadInputsSchema,
  diffUnknown: (news) => ({ changes: true, replaces: hasUnknowns(news.enrollmentId) ? ["enrollmentId"] : [] }),
  async diff(ctx, { olds, news: inputs, raw: news }) {
    const replaces = Number(olds.enrollmentId) !== inputs.enrollmentId ? ["enrollmentId"] : [];
    const keys = Object.keys(certificateUploadInputsSchema.shape).filter((k) => k !== "certificates");
    // Whitespace in PEMs is not a change (Terraform diff-suppresses it too).
    const inputChanged = certificatesKey(olds.certificates) !== certificatesKey(news.certificates) || keys.some((k) => !sameValue(olds[k], news[k]));
    let waiting = false;
    if (replaces.length === 0) {
      try {
        const client = ctx.cps;
        const pending = latestPendingChange(await client.getEnrollment(inputs.enrollmentId));
        if (pending && pending.changeId !== olds.changeId) {
          const change = await client.getChangeStatus(inputs.enrollmentId, pending.changeId);
          waiting = !!findInput(change, INPUT.thirdPartyCertificate);
          if (waiting) ctx.progress(`CPS change ${pending.changeId} (${pending.changeType ?? "change"}) waits for a third-party certificate`);
        }
      } catch {
        // CPS unreachable (e.g. offline preview): compare inputs only
      }
    }
    return { changes: replaces.length > 0 || inputChanged || waiting, replaces };
  },
  async create(ctx, { inputs, raw }) {
    const outs = await apply(ctx, inputs, raw, {});
    return { id: String(outs.enrollmentId ?? raw.enrollmentId), outs };
  },
  async update(ctx, { olds, news, raw }) {
    return { outs: await apply(ctx, news, raw, olds) };
  },
  async read(ctx, { id, props }) {
    const client = ctx.cps;
    const enrollmentId = Number(props.enrollmentId ?? id);
    const parsed = certificateUploadInputsSchema.safeParse(Object.fromEntries(Object.entries(props).filter(([k]) => k in certificateUploadInputsSchema.shape)));
    const entries = parsed.success ? parsed.data.certificates.map(parseEntry).filter((e): e is ParsedEntry => !!e) : [];
    try {
      const enrollment = await client.getEnrollment(enrollmentId);
      const pending = latestPendingChange(enrollment);
      let changeStatus = props.changeStatus ?? null;
      if (pending && pending.changeId === props.changeId) changeStatus = (await client.getChangeStatus(enrollmentId, pending.changeId)).statusInfo.status;
      else if (!pending && typeof props.changeId === "number") changeStatus = "complete";
      return { id, props: { ...props, status: changeStatus, changeStatus, ...(await networkOutputs(client, enrollmentId, entries)) } };
    } catch (e) {
      // The enrollment (or the change being read) is gone: so is what was uploaded into it.
      if (isNotFound(e)) return { id: "", props: {} };
      throw e;
    }
  },
  /** An uploaded certificate cannot be taken back: deleting the Enrollment removes it from the network. */
  async delete() {},
});
