/**
 * The Deployment dynamic provider: waits until the enrollment's certificate is on the staging and/or
 * production network, acknowledging change management ("test on staging first") with the
 * validation result hash when told to, applying a deployment schedule, and optionally checking the
 * edge with a real TLS handshake. Read reports what is deployed now and never blocks.
 */
import { X509Certificate } from "crypto";
import { z } from "zod";
import { type CpsApi, Deployment, Enrollment } from "../cps";
import { acknowledgePostVerification, applySchedule, changeManagement, ChangeHandler, ChangeStep, doneWhen, failOnError, followChange, waitingFor } from "../lifecycle/follow";
import { latestPendingChange } from "../lifecycle/pending-changes";
import type { Progress } from "../lifecycle/progress";
import { isComplete, isDvCoordination, isOnStaging } from "../lifecycle/statuses";
import { verifyTlsEndpoint, TlsVerifyResult } from "../lifecycle/tls-verify";
import { durationInput, enrollmentIdInput, scheduleInput, timeoutMs, warningPolicyInput } from "./common-inputs";
import { CodedError } from "./coded-error";
import { liveOnProductionRefusal } from "./delete-refusal";
import { deployedCertificateMismatch, deployedCertificateProblems, DeployedLeaf, ExpectedCertificate } from "./deployed-certificate-check";
import { sanRemovalOf } from "./san-removal";
import { keepInState } from "./partial-state";
import { certificatesPemInput, expecting, hostInput, serverNameInput } from "./strict-inputs";
import { diffFollower, followerDiffWhileUnknown } from "./follower-diff";
import { defineResource, type Given, type ResourceContext } from "./define-resource";

export const deploymentInputsSchema = z
  .object({
    enrollmentId: enrollmentIdInput,
    network: z.enum(["staging", "production"]).default("production"),
    acknowledgeChangeManagement: z.boolean().default(false),
    postVerificationWarnings: warningPolicyInput.default("fail"),
    deploymentSchedule: scheduleInput.optional(),
    verify: z
      .object({
        host: hostInput,
        port: z.number(expecting("a port number 1-65535, e.g. 443")).int().min(1, { message: "must be a port 1-65535" }).max(65535, { message: "must be a port 1-65535" }).default(443),
        servername: serverNameInput.optional(),
        caCertPem: certificatesPemInput.optional(),
      }, expecting("an object with the host to connect to, e.g. { host: \"www.example.com\" }"))
      .strict()
      .optional(),
    timeout: durationInput.default("60m"),
    /** The Enrollment's opt-in, repeated here so that a destroy refuses before the DNS records and DvValidation are gone. */
    allowDeleteWhileDeployed: z.boolean().default(false),
  })
  .strict();
export type DeploymentInputs = z.output<typeof deploymentInputsSchema>;

type Schema = typeof deploymentInputsSchema;

/** What is deployed on one network, as outputs. */
export interface DeployedCertificateInfo {
  /** The primary leaf certificate (PEM). */
  certificatePem: string;
  /** Its intermediates (PEM), the leaf's issuer first. */
  trustChainPem: string;
  /** The primary leaf's serial number (hex). */
  serialNumber: string;
  /** Start of validity (ISO 8601). */
  notBefore: string;
  /** End of validity (ISO 8601). */
  notAfter: string;
  /** The names the certificate covers. */
  subjectAltNames: string[];
  /** The issuer's distinguished name. */
  issuer: string;
  /** The key algorithm of each deployed certificate (`RSA`, and `ECDSA` when dual-stacked): the `keyAlgorithm` of each of `certificates`. */
  keyAlgorithms: string[];
  /** All certificates (RSA and ECDSA when dual-stacked). */
  certificates: Array<{
    /** `RSA` or `ECDSA`. */
    keyAlgorithm: string;
    /** Serial number (hex). */
    serialNumber: string;
    /** End of validity (ISO 8601). */
    notAfter: string;
  }>;
}

/** The deployed leaf certificates, primary first (RSA and ECDSA when dual-stacked). */
function leavesOf(d: Deployment | undefined): Array<DeployedLeaf & { pem: string; trustChain: string }> {
  const all = [d?.primaryCertificate, ...(d?.multiStackedCertificates ?? [])].filter((c): c is NonNullable<typeof c> => !!c && !!c.certificate);
  return all.map((c) => ({ keyAlgorithm: c.keyAlgorithm ?? "RSA", cert: new X509Certificate(c.certificate!), trustChain: c.trustChain ?? "", pem: c.certificate! }));
}

function describeDeployment(d: Deployment | undefined): DeployedCertificateInfo | null {
  const parsed = leavesOf(d);
  if (parsed.length === 0) return null;
  const primary = parsed[0]!;
  return {
    certificatePem: primary.pem,
    trustChainPem: primary.trustChain,
    serialNumber: primary.cert.serialNumber,
    notBefore: new Date(primary.cert.validFrom).toISOString(),
    notAfter: new Date(primary.cert.validTo).toISOString(),
    subjectAltNames: (primary.cert.subjectAltName ?? "").split(",").map((s) => s.trim()).filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4)),
    issuer: primary.cert.issuer.replace(/\n/g, ", "),
    keyAlgorithms: parsed.map((p) => p.keyAlgorithm),
    certificates: parsed.map((p) => ({ keyAlgorithm: p.keyAlgorithm, serialNumber: p.cert.serialNumber, notAfter: new Date(p.cert.validTo).toISOString() })),
  };
}

async function fetchDeployment(client: CpsApi, enrollmentId: number, network: "staging" | "production"): Promise<Deployment | undefined> {
  // The client answers undefined when nothing is deployed there (404).
  return network === "production" ? await client.getProductionDeployment(enrollmentId) : await client.getStagingDeployment(enrollmentId);
}

async function deployedOn(client: CpsApi, enrollmentId: number, network: "staging" | "production"): Promise<DeployedCertificateInfo | null> {
  return describeDeployment(await fetchDeployment(client, enrollmentId, network));
}

/** The enrollment as it is once this Deployment is done (the Enrollment resource's outputs date from its own, earlier step). */
export interface EnrollmentNow {
  /** The enrollment's status: `active` when nothing is pending, else the pending change's status. */
  status: string;
  /** The pending change, if any. */
  pendingChangeId: number | null;
  /** The pending change's type (`renewal`, `modify-san`, ...). */
  changeType: string | null;
  /** When CPS will start the automatic renewal. */
  autoRenewalStartTime: string | null;
}

async function enrollmentNow(client: CpsApi, enrollmentId: number, enrollment: Enrollment): Promise<EnrollmentNow> {
  const pending = latestPendingChange(enrollment);
  const status = pending ? (await client.getChangeStatus(enrollmentId, pending.changeId)).statusInfo.status : "active";
  return { status, pendingChangeId: pending?.changeId ?? null, changeType: pending?.changeType ?? null, autoRenewalStartTime: enrollment.autoRenewalStartTime ?? null };
}

/** What the enrollment declares; dual-stack means RSA and ECDSA side by side. */
function expectedOf(enrollment: Enrollment): ExpectedCertificate {
  const cn = enrollment.csr.cn;
  const excludeSans = enrollment.thirdParty?.excludeSans === true;
  return {
    names: excludeSans ? [cn] : [cn, ...(enrollment.csr.sans ?? [])],
    // A third-party certificate is the user's own: it must cover the names, and may name more.
    exactNames: !excludeSans && enrollment.validationType !== "third-party",
    keyAlgorithms: enrollment.enableMultiStackedCertificates ? ["RSA", "ECDSA"] : ["RSA"],
  };
}

/** Formerly CPS_DEPLOYMENT_WINDOW_AFTER_TIMEOUT. */
const DEPLOYMENT_WINDOW_AFTER_TIMEOUT = "DeploymentWindowAfterTimeout";

function changeManagementMessage(enrollmentId: number, changeId: number): string {
  return (
    `Enrollment ${enrollmentId} change ${changeId}: the certificate is on the staging network and waits for your change-management acknowledgement before production. ` +
    "Test it on staging, then set acknowledgeChangeManagement: true on this Deployment and run `pulumi up` again."
  );
}

/** Production only: a deployment window that opens after the timeout would only run into it, so say when to come back instead. */
function windowOpensInTime(inputs: DeploymentInputs): ChangeHandler<never> {
  return ({ ids, change, deadline }) => {
    const opensAt = change.statusInfo.deploymentSchedule?.notBefore ?? inputs.deploymentSchedule?.notBefore;
    if (!opensAt || inputs.network !== "production" || Date.parse(opensAt) <= deadline) return undefined;
    throw new CodedError(
      DEPLOYMENT_WINDOW_AFTER_TIMEOUT,
      `Enrollment ${ids.enrollmentId} change ${ids.changeId}: its deployment window opens at ${new Date(Date.parse(opensAt)).toISOString()}, after this Deployment's timeout (${inputs.timeout}) would end. ` +
        "Run `pulumi up` again once the window is open (CPS deploys then on its own), or raise timeout to cover the wait.",
    );
  };
}

/** What the deployment waits for, when CPS is not waiting for this resource. */
function deploymentDetail({ change }: ChangeStep): string | undefined {
  const schedule = change.statusInfo.deploymentSchedule;
  return isDvCoordination(change.statusInfo.status)
    ? "waiting for domain validation (see DvValidation)"
    : schedule?.notBefore && Date.parse(schedule.notBefore) > Date.now()
      ? `scheduled not before ${schedule.notBefore}`
      : undefined;
}

async function waitForNetwork(client: CpsApi, inputs: DeploymentInputs, progress: Progress): Promise<number | null> {
  const enrollment = await client.getEnrollment(inputs.enrollmentId);
  const pending = latestPendingChange(enrollment);
  if (!pending) return null;
  const changeId = pending.changeId;
  await followChange<true>(
    { cps: client, progress },
    { enrollmentId: inputs.enrollmentId, changeId },
    [
      failOnError,
      applySchedule(inputs.deploymentSchedule),
      doneWhen(isComplete, () => true),
      ...(inputs.network === "staging" ? [doneWhen(isOnStaging, () => true as const)] : []),
      acknowledgePostVerification({ policy: inputs.postVerificationWarnings, policyInput: "postVerificationWarnings", expected: () => sanRemovalOf(client, inputs.enrollmentId) }),
      changeManagement({ acknowledge: inputs.acknowledgeChangeManagement, refuse: (ids) => new CodedError("ChangeManagementRequired", changeManagementMessage(ids.enrollmentId, ids.changeId)) }),
      windowOpensInTime(inputs),
      waitingFor(deploymentDetail),
    ],
    // A completed change can disappear from pending: the network itself is checked next.
    { what: `${inputs.network} deployment of enrollment ${inputs.enrollmentId}`, timeoutMs: timeoutMs(inputs.timeout, 60 * 60_000), goneMeansDone: true },
  );
  return changeId;
}

/**
 * What Deployment outputs besides its inputs, declared once: the provider writes them and the SDK's
 * `Deployment` class declares its output properties from this interface (sdk/deployment.ts).
 */
export interface DeploymentOutputs {
  /** The change that was deployed (null when nothing was pending). */
  changeId: number | null;
  /** What is on staging now. */
  staging: DeployedCertificateInfo | null;
  /** What is on production now. */
  production: DeployedCertificateInfo | null;
  /**
   * The enrollment once this Deployment finished: its status (`active` when nothing is pending),
   * pending change and `autoRenewalStartTime`. The Enrollment resource's own `status`/`pendingChangeId`
   * describe it when the Enrollment's step ran, before validation and deployment.
   */
  enrollment: EnrollmentNow | null;
  /** The TLS check result when `verify` is set. */
  verification: TlsVerifyResult | null;
}

type DeploymentState = Given<z.input<Schema>> & DeploymentOutputs;

async function runVerify(inputs: DeploymentInputs, commonName: string): Promise<TlsVerifyResult | null> {
  if (!inputs.verify) return null;
  return verifyTlsEndpoint({
    host: inputs.verify.host,
    port: inputs.verify.port,
    servername: inputs.verify.servername ?? commonName,
    ...(inputs.verify.caCertPem ? { caPem: inputs.verify.caCertPem } : {}),
  });
}

async function deploy(ctx: ResourceContext, props: Given<z.input<Schema>>, inputs: DeploymentInputs): Promise<DeploymentState> {
  const { cps: client, progress } = ctx;
  const changeId = await waitForNetwork(client, inputs, progress);
  const [stagingRaw, productionRaw, enrollment] = await Promise.all([
    fetchDeployment(client, inputs.enrollmentId, "staging"),
    fetchDeployment(client, inputs.enrollmentId, "production"),
    client.getEnrollment(inputs.enrollmentId),
  ]);
  const [staging, production] = [describeDeployment(stagingRaw), describeDeployment(productionRaw)];
  const target = inputs.network === "production" ? production : staging;
  if (!target) throw new CodedError("NotOnNetworkYet", `Enrollment ${inputs.enrollmentId} has no certificate on the ${inputs.network} network yet.`);
  progress(`certificate ${target.serialNumber} is on ${inputs.network} (expires ${target.notAfter})`);
  const newer = latestPendingChange(enrollment);
  const outs: DeploymentState = { ...props, changeId, staging, production, verification: null, enrollment: await enrollmentNow(client, inputs.enrollmentId, enrollment) };
  if (newer && newer.changeId !== changeId) {
    // The enrollment already describes a newer change (a renewal that just opened): the next `up` follows and checks it.
    progress(`change ${newer.changeId} opened meanwhile; the certificate on ${inputs.network} is checked against it by the next \`pulumi up\``);
  } else {
    const problems = deployedCertificateProblems(leavesOf(inputs.network === "production" ? productionRaw : stagingRaw), expectedOf(enrollment), new Date());
    if (problems.length > 0) throw Object.assign(deployedCertificateMismatch(inputs.enrollmentId, inputs.network, problems), { outs });
  }
  const verification = await runVerify(inputs, enrollment.csr.cn);
  outs.verification = verification;
  if (verification && !verification.ok) {
    throw Object.assign(new CodedError("TlsCheckFailed", `TLS check against ${inputs.verify!.host}:${inputs.verify!.port} failed: ${verification.summary}`), { outs });
  }
  if (verification) progress(`TLS check against the ${inputs.network} edge: ${verification.summary}`);
  return outs;
}

function idOf(inputs: DeploymentInputs): string {
  return `${inputs.enrollmentId}:${inputs.network}`;
}

/**
 * Deploy, keeping the resource in state when it fails (partial state): with the outputs known so far,
 * or, when only the TLS check failed, with everything that is deployed.
 */
async function deployKeepingState(ctx: ResourceContext, id: string, before: Record<string, unknown>, props: Given<z.input<Schema>>, inputs: DeploymentInputs): Promise<DeploymentState> {
  let outs = before;
  return keepInState(id, () => outs, async () => {
    try {
      const done = await deploy(ctx, props, inputs);
      outs = done;
      return done;
    } catch (e) {
      const partial = partialOutputs(e);
      if (partial) outs = partial;
      throw e;
    }
  });
}

/** The outputs known when deploy failed after reading the networks (a certificate mismatch, a failed TLS check). */
function partialOutputs(e: unknown): Record<string, unknown> | undefined {
  if (typeof e !== "object" || e === null || !("outs" in e)) return undefined;
  const outs: unknown = e.outs;
  return typeof outs === "object" && outs !== null ? { ...outs } : undefined;
}

export const deploymentProvider = defineResource<Schema, DeploymentOutputs>({
  name: "deployment",
  inputs: deploymentInputsSchema,
  diffUnknown: followerDiffWhileUnknown,
  /**
   * A pending change not yet on the requested network (a renewal, a SAN change) makes the next `up` wait for it.
   * Changing `network` is an update, not a replacement: a replacement would delete the old Deployment,
   * and a Deployment's delete refuses while the certificate is live on production.
   */
  diff: (ctx, { olds, news, raw }) => diffFollower(ctx, deploymentInputsSchema, olds, raw, news),
  async create(ctx, { inputs, raw: props }) {
    const id = idOf(inputs);
    const outs = await deployKeepingState(ctx, id, { ...props, changeId: null, staging: null, production: null, verification: null, enrollment: null }, props, inputs);
    return { id, outs };
  },
  async update(ctx, { id, olds, news: inputs, raw: news }) {
    return { outs: await deployKeepingState(ctx, id, { ...olds, ...news }, news, inputs) };
  },
  /**
   * Deleting a Deployment removes nothing from the network, but it is what the engine deletes first
   * in a destroy: it refuses while the certificate is live on production, so that nothing is deleted.
   */
  async delete(ctx, { id, props }) {
    if (props.allowDeleteWhileDeployed === true) return;
    const enrollmentId = Number(props.enrollmentId ?? id.split(":")[0]);
    const production = await deployedOn(ctx.cps, enrollmentId, "production");
    if (production) throw liveOnProductionRefusal(enrollmentId, "Deployment");
  },
  async read(ctx, { id, props }) {
    const client = ctx.cps;
    const enrollmentId = Number(props.enrollmentId ?? id.split(":")[0]);
    // The deployment endpoints answer 404 both for "nothing on that network" and for an enrollment
    // that no longer exists; only the enrollment tells them apart. Gone → the deployment is gone too.
    if ((await client.findEnrollment(enrollmentId)) === undefined) return { id: "", props: {} };
    const [staging, production] = await Promise.all([deployedOn(client, enrollmentId, "staging"), deployedOn(client, enrollmentId, "production")]);
    return { id, props: { ...props, staging, production } };
  },
});
