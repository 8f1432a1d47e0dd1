import { CpsInputError } from "./errors";
import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import { type AllowedInput, allowedInputSchema } from "./schemas/change";
import {
  acknowledgementSchema,
  acknowledgementWithHashSchema,
  certificateAndTrustChainSchema,
  type ChangeManagementInfo,
  changeManagementInfoSchema,
  csrsSchema,
  type DvChallenges,
  dvChallengesSchema,
  warningsSchema,
} from "./schemas/allowed-input";
import { type Deployment, deploymentSchema } from "./schemas/deployment";
import { parseInput, requireAck } from "./validate";
import { inputPostLanded } from "./landed";

/**
 * Allowed inputs of a change (https://techdocs.akamai.com/cps/reference/change-input-content-type-mapping): each call takes the `allowedInput` entry
 * from the change status and follows its `info` (GET) or `update` (POST) link; paths are never
 * built by hand. Acknowledgement POSTs retry CPS's brief 404/409 after a status change.
 */

export const AllowedInputType = {
  letsEncryptChallenges: "lets-encrypt-challenges",
  thirdPartyCertificate: "third-party-certificate",
  changeManagement: "change-management",
  postVerificationWarnings: "post-verification-warnings-acknowledgement",
  preVerificationWarnings: "pre-verification-warnings-acknowledgement",
} as const;

export async function getDvChallenges(ctx: CpsContext, input: AllowedInput): Promise<DvChallenges> {
  const info = link(ctx, checkInput(input, AllowedInputType.letsEncryptChallenges), "info");
  const response = await ctx.transport.send({ method: "GET", path: info, accept: MediaType.dvChallenges });
  return parseResponse(dvChallengesSchema, response, "GET");
}

/** `lets-encrypt-challenges-completed`: tells CPS the tokens are published. */
export async function acknowledgeDvChallenges(ctx: CpsContext, input: AllowedInput): Promise<void> {
  const update = link(ctx, checkInput(input, AllowedInputType.letsEncryptChallenges), "update");
  await postAck(ctx, update, MediaType.acknowledgement, { acknowledgement: "acknowledge" });
}

export async function getPreVerificationWarnings(ctx: CpsContext, input: AllowedInput): Promise<string> {
  return getWarnings(ctx, checkInput(input, AllowedInputType.preVerificationWarnings));
}

export async function acknowledgePreVerificationWarnings(ctx: CpsContext, input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
  const update = link(ctx, checkInput(input, AllowedInputType.preVerificationWarnings), "update");
  await postAck(ctx, update, MediaType.acknowledgement, parseInput("ack", acknowledgementSchema, { acknowledgement: requireAck("ack", ack) }));
}

export async function getPostVerificationWarnings(ctx: CpsContext, input: AllowedInput): Promise<string> {
  return getWarnings(ctx, checkInput(input, AllowedInputType.postVerificationWarnings));
}

export async function acknowledgePostVerificationWarnings(ctx: CpsContext, input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
  const update = link(ctx, checkInput(input, AllowedInputType.postVerificationWarnings), "update");
  await postAck(ctx, update, MediaType.acknowledgement, parseInput("ack", acknowledgementSchema, { acknowledgement: requireAck("ack", ack) }));
}

/** change-management-info v6 (v5's string booleans tolerated by the schema). */
export async function getChangeManagementInfo(ctx: CpsContext, input: AllowedInput): Promise<ChangeManagementInfo> {
  const info = link(ctx, checkInput(input, AllowedInputType.changeManagement), "info");
  const response = await ctx.transport.send({ method: "GET", path: info, accept: MediaType.changeManagementInfo });
  return parseResponse(changeManagementInfoSchema, response, "GET");
}

/** The staging deployment that acknowledging change management would push to production. */
export async function getChangeDeploymentInfo(ctx: CpsContext, input: AllowedInput): Promise<Deployment> {
  const info = link(ctx, checkInput(input, AllowedInputType.changeManagement), "info");
  const response = await ctx.transport.send({ method: "GET", path: info, accept: MediaType.deployment });
  return parseResponse(deploymentSchema, response, "GET");
}

/** With `hash` (validationResultHash) → acknowledgement-with-hash.v1, guarding against races. */
export async function acknowledgeChangeManagement(ctx: CpsContext, input: AllowedInput, ack: "acknowledge" | "deny", hash?: string): Promise<void> {
  const update = link(ctx, checkInput(input, AllowedInputType.changeManagement), "update");
  const acknowledgement = requireAck("ack", ack);
  if (hash === undefined) {
    await postAck(ctx, update, MediaType.acknowledgement, parseInput("ack", acknowledgementSchema, { acknowledgement }));
  } else {
    if (typeof hash !== "string" || hash.trim() === "") throw new CpsInputError("hash", "expected the validationResultHash from the change-management info");
    const body = parseInput("ack", acknowledgementWithHashSchema, { acknowledgement, hash });
    await postAck(ctx, update, MediaType.acknowledgementWithHash, body);
  }
}

export async function getThirdPartyCsrs(ctx: CpsContext, input: AllowedInput): Promise<Array<{ keyAlgorithm: string; csr: string }>> {
  const info = link(ctx, checkInput(input, AllowedInputType.thirdPartyCertificate), "info");
  const response = await ctx.transport.send({ method: "GET", path: info, accept: MediaType.csr });
  return parseResponse(csrsSchema, response, "GET").csrs.map((item) => ({ keyAlgorithm: item.keyAlgorithm, csr: item.csr }));
}

export async function uploadThirdPartyCertificates(
  ctx: CpsContext,
  input: AllowedInput,
  certs: Array<{ keyAlgorithm: "RSA" | "ECDSA"; certificate: string; trustChain?: string }>,
): Promise<void> {
  const update = link(ctx, checkInput(input, AllowedInputType.thirdPartyCertificate), "update");
  const body = parseInput("certs", certificateAndTrustChainSchema, { certificatesAndTrustChains: certs });
  await ctx.transport.send({ method: "POST", path: update, accept: MediaType.changeId, contentType: MediaType.certificateAndTrustChain, body, landed: inputPostLanded(ctx, update) });
}

async function getWarnings(ctx: CpsContext, input: AllowedInput): Promise<string> {
  const response = await ctx.transport.send({ method: "GET", path: link(ctx, input, "info"), accept: MediaType.warnings });
  return parseResponse(warningsSchema, response, "GET").warnings;
}

async function postAck(ctx: CpsContext, path: string, contentType: string, body: unknown): Promise<void> {
  await ctx.transport.send({ method: "POST", path, accept: MediaType.changeId, contentType, body, retryTransientAck: true, landed: inputPostLanded(ctx, path) });
}

function checkInput(input: AllowedInput, expectedType: string): AllowedInput {
  const parsed = parseInput("input", allowedInputSchema, input);
  if (parsed.type !== expectedType) {
    throw new CpsInputError("input.type", `expected an allowedInput of type "${expectedType}", got "${parsed.type}"`);
  }
  return parsed;
}

/**
 * A hypermedia link from CPS, as a path on the configured host. Absolute URLs are accepted only
 * for that same host: signed requests must never be sent elsewhere.
 */
function link(ctx: CpsContext, input: AllowedInput, which: "info" | "update"): string {
  const raw = input[which].trim();
  const field = `input.${which}`;
  let path: string;
  if (/^https?:\/\//i.test(raw)) {
    const url = new URL(raw);
    if (url.host.toLowerCase() !== new URL(ctx.transport.baseUrl).host.toLowerCase()) {
      throw new CpsInputError(field, "link points to a different host than the configured API host");
    }
    path = `${url.pathname}${url.search}`;
  } else {
    path = raw;
  }
  if (!path.startsWith("/") || path.startsWith("//") || /(^|\/)\.\.?(\/|$)/.test(path.split("?")[0]!) || /[\s#]/.test(path)) {
    throw new CpsInputError(field, `not a usable CPS path: "${raw.slice(0, 120)}"`);
  }
  return path;
}
