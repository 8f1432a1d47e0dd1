/**
 * The Deployment dynamic provider: waits until the enrollment's certificate is on the staging and/or
 * production network, acknowledging change management ("test on staging first") with the
 * validation result hash when told to, applying a deployment schedule, and optionally checking the
 * edge with a real TLS handshake. Read reports what is deployed now and never blocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { X509Certificate } from "crypto";
import { z } from "zod";
import { CpsApiError, CpsClient, Deployment } from "../cps";
import { acknowledgeChangeManagement, handleWarnings } from "../lifecycle/acknowledgements";
import { throwIfFailed } from "../lifecycle/enrollment-wait";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { waitUntil } from "../lifecycle/poll";
import type { Progress } from "../lifecycle/progress";
import { describeChange, findInput, INPUT, isComplete, isDvCoordination } from "../lifecycle/statuses";
import { verifyTlsEndpoint, TlsVerifyResult } from "../lifecycle/tls-verify";
import { parseInputs, progressOf } from "./check";
import { durationInput, enrollmentIdInput, scheduleInput, timeoutMs, warningPolicyInput } from "./common-inputs";
import { liveOnProductionRefusal } from "./delete-refusal";
import { keepInState } from "./partial-state";
import { getClient } from "./provider-config";
import { diffFollower } from "./follower-diff";
import { resourceProvider } from "./resource-provider";

export const deploymentInputsSchema = z
  .object({
    enrollmentId: enrollmentIdInput,
    network: z.enum(["staging", "production"]).default("production"),
    acknowledgeChangeManagement: z.boolean().default(false),
    postVerificationWarnings: warningPolicyInput.default("fail"),
    deploymentSchedule: scheduleInput.optional(),
    verify: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(443),
        servername: z.string().min(1).optional(),
        caCertPem: z.string().includes("-----BEGIN CERTIFICATE-----", { message: "must be PEM certificates" }).optional(),
      })
      .strict()
      .optional(),
    timeout: durationInput.default("60m"),
    /** The Enrollment's opt-in, repeated here so that a destroy refuses before the DNS records and DvValidation are gone. */
    allowDeleteWhileDeployed: z.boolean().default(false),
  })
  .strict();
export type DeploymentInputs = z.output<typeof deploymentInputsSchema>;

type Props = Record<string, unknown>;

/** What is deployed on one network, as outputs. */
export interface DeployedCertificateInfo {
  certificatePem: string;
  trustChainPem: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
  issuer: string;
  keyAlgorithms: string[];
  /** All certificates (RSA and ECDSA when dual-stacked). */
  certificates: Array<{ keyAlgorithm: string; serialNumber: string; notAfter: string }>;
}

function describeDeployment(d: Deployment | undefined): DeployedCertificateInfo | null {
  const all = [d?.primaryCertificate, ...(d?.multiStackedCertificates ?? [])].filter((c): c is NonNullable<typeof c> => !!c && !!c.certificate);
  if (all.length === 0) return null;
  const parsed = all.map((c) => ({ c, x: new X509Certificate(c.certificate!) }));
  const primary = parsed[0]!;
  return {
    certificatePem: primary.c.certificate!,
    trustChainPem: primary.c.trustChain ?? "",
    serialNumber: primary.x.serialNumber,
    notBefore: new Date(primary.x.validFrom).toISOString(),
    notAfter: new Date(primary.x.validTo).toISOString(),
    subjectAltNames: (primary.x.subjectAltName ?? "").split(",").map((s) => s.trim()).filter((s) => s.startsWith("DNS:")).map((s) => s.slice(4)),
    issuer: primary.x.issuer.replace(/\n/g, ", "),
    keyAlgorithms: parsed.map((p) => p.c.keyAlgorithm ?? "RSA"),
    certificates: parsed.map((p) => ({ keyAlgorithm: p.c.keyAlgorithm ?? "RSA", serialNumber: p.x.serialNumber, notAfter: new Date(p.x.validTo).toISOString() })),
  };
}

async function deployedOn(client: CpsClient, enrollmentId: number, network: "staging" | "production"): Promise<DeployedCertificateInfo | null> {
  try {
    const d = network === "production" ? await client.getProductionDeployment(enrollmentId) : await client.getStagingDeployment(enrollmentId);
    return describeDeployment(d);
  } catch (e) {
    if (e instanceof CpsApiError && e.status === 404) return null;
    throw e;
  }
}

/** Statuses where the certificate of the change is already on staging. */
const ON_STAGING = new Set(["wait-ack-change-management", "deploy-cert-to-production", "deploy-changes-to-production", "complete"]);

function changeManagementMessage(enrollmentId: number, changeId: number): string {
  return (
    `Enrollment ${enrollmentId} change ${changeId}: the certificate is on the staging network and waits for your change-management acknowledgement before production. ` +
    "Test it on staging, then set acknowledgeChangeManagement: true on this Deployment and run `pulumi up` again."
  );
}

async function waitForNetwork(client: CpsClient, inputs: DeploymentInputs, progress: Progress): Promise<number | null> {
  const enrollment = await client.getEnrollment(inputs.enrollmentId);
  const pending = latestPendingChange(enrollment);
  if (!pending) return null;
  const changeId = pending.changeId;
  let scheduleApplied = !inputs.deploymentSchedule;
  await waitUntil<true>(
    async () => {
      let change;
      try {
        change = await client.getChangeStatus(inputs.enrollmentId, changeId);
      } catch (e) {
        // A completed change can disappear from pending: check the network itself.
        if (e instanceof CpsApiError && e.status === 404) return { done: true, state: "change finished" };
        throw e;
      }
      throwIfFailed(inputs.enrollmentId, changeId, change);
      const state = describeChange(change);
      if (!scheduleApplied && inputs.deploymentSchedule) {
        await client.updateDeploymentSchedule(inputs.enrollmentId, changeId, {
          notBefore: inputs.deploymentSchedule.notBefore ?? null,
          notAfter: inputs.deploymentSchedule.notAfter ?? null,
        });
        scheduleApplied = true;
        progress(`deployment window set: not before ${inputs.deploymentSchedule.notBefore ?? "-"}, not after ${inputs.deploymentSchedule.notAfter ?? "-"}`);
      }
      if (isComplete(change)) return { done: true, state };
      if (inputs.network === "staging" && ON_STAGING.has(change.statusInfo.status)) return { done: true, state };
      const post = findInput(change, INPUT.postVerificationWarnings);
      if (post) {
        await handleWarnings("post-verification", {
          client,
          enrollmentId: inputs.enrollmentId,
          changeId,
          input: post,
          policy: inputs.postVerificationWarnings,
          policyInput: "postVerificationWarnings",
          progress,
        });
        return { state: `${state}, warnings acknowledged` };
      }
      const cm = findInput(change, INPUT.changeManagement);
      if (cm) {
        if (!inputs.acknowledgeChangeManagement) throw new Error(changeManagementMessage(inputs.enrollmentId, changeId));
        await acknowledgeChangeManagement(client, cm, progress);
        return { state: `${state}, acknowledged` };
      }
      const schedule = change.statusInfo.deploymentSchedule;
      const detail = isDvCoordination(change.statusInfo.status)
        ? "waiting for domain validation (see DvValidation)"
        : schedule?.notBefore && Date.parse(schedule.notBefore) > Date.now()
          ? `scheduled not before ${schedule.notBefore}`
          : undefined;
      return { state, ...(detail ? { detail } : {}) };
    },
    { what: `${inputs.network} deployment of enrollment ${inputs.enrollmentId}`, timeoutMs: timeoutMs(inputs.timeout, 60 * 60_000), progress },
  );
  return changeId;
}

async function runVerify(inputs: DeploymentInputs, commonName: string): Promise<TlsVerifyResult | null> {
  if (!inputs.verify) return null;
  return verifyTlsEndpoint({
    host: inputs.verify.host,
    port: inputs.verify.port,
    servername: inputs.verify.servername ?? commonName,
    ...(inputs.verify.caCertPem ? { caPem: inputs.verify.caCertPem } : {}),
  });
}

async function deploy(props: Props, inputs: DeploymentInputs, progress: Progress): Promise<Props> {
  const client = getClient();
  const changeId = await waitForNetwork(client, inputs, progress);
  const [staging, production, enrollment] = await Promise.all([
    deployedOn(client, inputs.enrollmentId, "staging"),
    deployedOn(client, inputs.enrollmentId, "production"),
    client.getEnrollment(inputs.enrollmentId),
  ]);
  const target = inputs.network === "production" ? production : staging;
  if (!target) throw new Error(`Enrollment ${inputs.enrollmentId} has no certificate on the ${inputs.network} network yet.`);
  progress(`certificate ${target.serialNumber} is on ${inputs.network} (expires ${target.notAfter})`);
  const verification = await runVerify(inputs, enrollment.csr.cn);
  const outs: Props = { ...props, changeId, staging, production, verification };
  if (verification && !verification.ok) {
    throw Object.assign(new Error(`TLS check against ${inputs.verify!.host}:${inputs.verify!.port} failed: ${verification.summary}`), { outs });
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
async function deployKeepingState(id: string, before: Props, props: Props, inputs: DeploymentInputs): Promise<Props> {
  let outs = before;
  return keepInState(id, () => outs, async () => {
    try {
      outs = await deploy(props, inputs, progressOf(props, "deployment"));
    } catch (e) {
      const partial = (e as { outs?: Props }).outs;
      if (partial) outs = partial;
      throw e;
    }
    return outs;
  });
}

async function create(props: Props): Promise<{ id: string; outs: Props }> {
  const inputs = parseInputs(deploymentInputsSchema, props);
  const id = idOf(inputs);
  const outs = await deployKeepingState(id, { ...props, changeId: null, staging: null, production: null, verification: null }, props, inputs);
  return { id, outs };
}

async function update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  const inputs = parseInputs(deploymentInputsSchema, news);
  return { outs: await deployKeepingState(id, { ...olds, ...news }, news, inputs) };
}

/**
 * A pending change not yet on the requested network (a renewal, a SAN change) makes the next `up` wait for it.
 * Changing `network` is an update, not a replacement: a replacement would delete the old Deployment,
 * and a Deployment's delete refuses while the certificate is live on production.
 */
async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  return diffFollower(deploymentInputsSchema, olds, news);
}

/**
 * Deleting a Deployment removes nothing from the network, but it is what the engine deletes first
 * in a destroy: it refuses while the certificate is live on production, so that nothing is deleted.
 */
async function remove(id: string, props: Props): Promise<void> {
  if (props.allowDeleteWhileDeployed === true) return;
  const enrollmentId = Number(props.enrollmentId ?? id.split(":")[0]);
  const production = await deployedOn(getClient(), enrollmentId, "production");
  if (production) throw liveOnProductionRefusal(enrollmentId, "Deployment");
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const client = getClient();
  const enrollmentId = Number(props.enrollmentId ?? id.split(":")[0]);
  try {
    const [staging, production] = await Promise.all([deployedOn(client, enrollmentId, "staging"), deployedOn(client, enrollmentId, "production")]);
    return { id, props: { ...props, staging, production } };
  } catch (e) {
    if (e instanceof CpsApiError && e.status === 404) return { id: "", props: {} };
    throw e;
  }
}

export const deploymentProvider = resourceProvider(deploymentInputsSchema, {
  diff,
  create,
  update,
  read,
  delete: remove,
});
