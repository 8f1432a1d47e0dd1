/**
 * The AcmeCertificate dynamic provider: finishes an AcmeOrder once the program's dns-01 records
 * exist. It checks that the TXT values are visible (configured resolvers, else the zone's
 * authoritative servers) before asking the CA to validate, finalizes the order with the CSR, and
 * outputs the leaf certificate and its chain, ready for CertificateUpload.
 *
 * Resumable: an order already finalized by an interrupted run is downloaded, not re-finalized.
 * A new order or CSR (a CPS renewal) replaces the certificate. Certificates are not revoked on
 * delete: CPS may still serve them until the next one is deployed.
 */
import { z } from "zod";
import { checkTxtRecords } from "../lifecycle/dns-propagation";
import { Deadline } from "../lifecycle/follow";
import { waitUntil } from "../lifecycle/poll";
import { durationInput, timeoutMs } from "./common-inputs";
import { acme, acmeErrorText, acmeSession, orderRef } from "./acme-session";
import { caCertPemInput, csrPemInput, directoryUrlInput } from "./acme-order";
import { publicKeyFingerprint } from "./csr-outputs";
import { certificateKeyAlgorithm, certificateKeyFingerprint, canonicalPem, type CertificateSummary, parseCertificatePem, pemBlocks, summarize } from "./pem";
import { sameValue } from "./same-value";
import { acmeUrlInput, privateKeyPemInput, resolverInput } from "./strict-inputs";
import { hasUnknowns } from "./unknowns";
import { defineResource, type Given, type ResourceContext } from "./define-resource";
import { CodedError } from "./coded-error";

export const acmeCertificateInputsSchema = z
  .object({
    orderUrl: acmeUrlInput("the AcmeOrder's orderUrl"),
    accountUrl: acmeUrlInput("the AcmeOrder's accountUrl"),
    accountKeyPem: privateKeyPemInput("must be a PEM private key (the AcmeOrder's accountKeyPem)"),
    directoryUrl: directoryUrlInput,
    csrPem: csrPemInput,
    caCertPem: caCertPemInput.optional(),
    /** IDs of the records the program published; only creates the dependency. */
    publishedRecords: z.array(z.unknown()).optional(),
    /** Check that the TXT values are visible before asking the CA (default true). */
    propagationCheck: z.boolean().default(true),
    /** Resolvers for that check (`host` or `host:port`); default the provider's dnsResolvers config, else authoritative servers. */
    dnsResolvers: z.array(resolverInput).optional(),
    propagationTimeout: durationInput.default("10m"),
    timeout: durationInput.default("10m"),
  })
  .strict();
type Inputs = z.output<typeof acmeCertificateInputsSchema>;

/**
 * What AcmeCertificate outputs besides its inputs, declared once: the provider writes them and the
 * SDK's `AcmeCertificate` class declares its output properties from this interface (sdk/acme-certificate.ts).
 */
export interface AcmeCertificateOutputs extends Omit<CertificateSummary, "keyAlgorithm"> {
  /** The leaf certificate (PEM). */
  certificatePem: string;
  /** The intermediates (PEM), the leaf's issuer first. */
  trustChainPem: string;
  /** Leaf and intermediates. */
  fullChainPem: string;
  /** The certificate's key algorithm, as `CertificateUpload`'s `keyAlgorithm` takes it. */
  keyAlgorithm: "RSA" | "ECDSA";
}

async function validateAuthorizations(client: acme.Client, order: acme.Order, inputs: Inputs, ctx: ResourceContext, deadline: Deadline): Promise<void> {
  const progress = ctx.progress;
  const authorizations = (await deadline.step(() => client.getAuthorizations(order))).filter((a) => a.status !== "valid");
  const work = await Promise.all(
    authorizations.map(async (authz) => {
      const domain = authz.identifier.value.toLowerCase();
      const challenge = authz.challenges.find((c) => c.type === "dns-01");
      if (!challenge) throw new CodedError("AcmeRequestRefused", `the CA offers no dns-01 challenge for ${domain}`);
      return { domain, challenge, recordName: `_acme-challenge.${domain}`, value: await deadline.step(() => client.getChallengeKeyAuthorization(challenge)) };
    }),
  );
  if (work.length === 0) return;
  if (inputs.propagationCheck) {
    const lookup = ctx.txtLookup(inputs.dnsResolvers);
    await deadline.wait(timeoutMs(inputs.propagationTimeout, 10 * 60_000), (bounded) =>
      waitUntil<true>(
        async () => {
          const checks = await checkTxtRecords(lookup, work);
          const missing = checks.filter((c) => !c.ok);
          if (missing.length === 0) return { done: true, state: "all TXT records visible" };
          return { state: `${missing.length} of ${checks.length} TXT record(s) not visible`, detail: missing.map((m) => m.reason).join("; ") };
        },
        { what: "dns-01 records", timeoutMs: bounded, progress, minIntervalMs: 250, maxIntervalMs: 5000, timeoutCode: "DnsNotPropagated" },
      ),
    );
  }
  for (const w of work) {
    try {
      if (w.challenge.status === "pending") await deadline.step(() => client.completeChallenge(w.challenge));
      await deadline.step(() => client.waitForValidStatus(w.challenge));
    } catch (e) {
      if (e instanceof IssuanceTimeoutError) throw e;
      throw new CodedError("AcmeValidationFailed", `the CA could not validate ${w.domain} (TXT ${w.recordName} = "${w.value}"): ${acmeErrorText(e)}`, { cause: e });
    }
  }
  progress(`validated ${work.map((w) => w.domain).join(", ")}`);
}

/** The issuance ran out of its timeout: it stops there (nothing is left running), the next `up` resumes the order. */
class IssuanceTimeoutError extends CodedError {
  override readonly name: string = "IssuanceTimeoutError";
  constructor(timeout: Inputs["timeout"]) {
    super("WaitTimedOut", `ACME issuance did not finish within ${String(timeout)}; run \`pulumi up\` again to resume`);
  }
}

/** Drive the order to `valid` and download the chain (leaf first), every CA request inside the one deadline. */
async function issue(inputs: Inputs, ctx: ResourceContext, deadline: Deadline): Promise<string> {
  const client = await deadline.step(() =>
    acmeSession({
      directoryUrl: inputs.directoryUrl,
      accountKeyPem: inputs.accountKeyPem,
      accountUrl: inputs.accountUrl,
      ...(inputs.caCertPem ? { caCertPem: inputs.caCertPem } : {}),
    }),
  );
  let order = await deadline.step(() => client.getOrder(orderRef(inputs.orderUrl)));
  if (order.status === "invalid") {
    throw new CodedError("AcmeOrderInvalid", `ACME order ${inputs.orderUrl} is invalid (a challenge failed earlier). Run \`pulumi up\` again: the AcmeOrder will open a new order.`);
  }
  if (order.status === "pending") {
    await validateAuthorizations(client, order, inputs, ctx, deadline);
    const pending = order;
    order = await deadline.step(() => client.getOrder(pending));
  }
  if (order.status === "ready") {
    const ready = order;
    order = await deadline.step(() => client.finalizeOrder(ready, inputs.csrPem));
  }
  if (order.status !== "valid") {
    const processing = order;
    order = await deadline.step(() => client.waitForValidStatus(processing));
  }
  const valid = order;
  return deadline.step(() => client.getCertificate(valid));
}

/**
 * The outputs for the chain the CA returned, checked: the leaf parses, carries the CSR's key, and that
 * key is RSA or ECDSA. The output's type promises what CertificateUpload's keyAlgorithm takes: CPS holds
 * RSA and ECDSA certificates only (the upload's keyAlgorithm is "RSA" | "ECDSA": CpsApi.uploadThirdPartyCertificates
 * in provider/cps/api.ts, after CPS's third-party-cert-and-trust-chain input), and public ACME CAs issue
 * no others. A certificate with another key (e.g. Ed25519) fails here instead of reading "unknown".
 */
export function issuedCertificateOutputs(chainPem: string, csrPem: string): AcmeCertificateOutputs {
  const blocks = pemBlocks(chainPem);
  const leaf = parseCertificatePem(blocks[0] ?? "");
  if (!leaf.ok) throw new CodedError("AcmeCertificateInvalid", `the CA returned no parseable certificate: ${leaf.reason}`);
  if (certificateKeyFingerprint(leaf.cert) !== publicKeyFingerprint(csrPem)) {
    throw new CodedError("AcmeCertificateInvalid", "the CA returned a certificate whose public key is not the CSR's");
  }
  const keyAlgorithm = certificateKeyAlgorithm(leaf.cert);
  if (!keyAlgorithm) {
    throw new CodedError("AcmeCertificateInvalid", `the CA returned a certificate with a ${leaf.cert.publicKey.asymmetricKeyType ?? "unknown"} key; CPS accepts only RSA and ECDSA certificates (use a CSR with one of those keys, e.g. enrollment.csrs)`);
  }
  const chain = blocks.slice(1).map((b) => parseCertificatePem(b)).flatMap((p) => (p.ok ? [canonicalPem(p.cert)] : []));
  const summary = summarize(leaf.cert, keyAlgorithm);
  return {
    certificatePem: canonicalPem(leaf.cert),
    trustChainPem: chain.join(""),
    fullChainPem: canonicalPem(leaf.cert) + chain.join(""),
    keyAlgorithm,
    serialNumber: summary.serialNumber,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    subjectAltNames: summary.subjectAltNames,
    issuer: summary.issuer,
    publicKeyFingerprint: summary.publicKeyFingerprint,
  };
}

async function create(ctx: ResourceContext, { inputs, raw }: { inputs: Inputs; raw: Given<z.input<typeof acmeCertificateInputsSchema>> }) {
  const progress = ctx.progress;
  // One deadline for every step: when it passes, the issuance stops where it is instead of running on unobserved.
  const deadline = new Deadline(timeoutMs(inputs.timeout, 10 * 60_000), () => new IssuanceTimeoutError(inputs.timeout));
  const chainPem = await issue(inputs, ctx, deadline);
  const issued = issuedCertificateOutputs(chainPem, inputs.csrPem);
  progress(`issued ${issued.serialNumber} for ${issued.subjectAltNames.join(", ")} (expires ${issued.notAfter})`);
  const outs = { ...raw, ...issued };
  return { id: `${inputs.orderUrl}#${issued.serialNumber}`, outs };
}

const REPLACEABLE = ["orderUrl", "csrPem", "directoryUrl", "accountUrl"] as const;

export const acmeCertificateProvider = defineResource<typeof acmeCertificateInputsSchema, AcmeCertificateOutputs>({
  name: "acme-certificate",
  inputs: acmeCertificateInputsSchema,
  diffUnknown: (news) => ({ changes: true, replaces: REPLACEABLE.filter((k) => hasUnknowns(news[k])) }),
  async diff(_ctx, { olds, news: inputs, raw: news }) {
    const replaces = REPLACEABLE.filter((k) => String(olds[k] ?? "").trim() !== inputs[k].trim());
    const others = ["caCertPem", "propagationCheck", "dnsResolvers", "propagationTimeout", "timeout", "publishedRecords", "accountKeyPem"];
    const changed = replaces.length > 0 || others.some((k) => !sameValue(olds[k], news[k]));
    return { changes: changed, replaces };
  },
  create,
  /** Settings only (timeouts, resolvers): the certificate stays. */
  async update(_ctx, { olds, raw: news }) {
    return { outs: { ...olds, ...news } };
  },
  /** The certificate is immutable; nothing to refresh. */
  async read(_ctx, { id, props }) {
    return { id, props };
  },
  /** Not revoked: CPS may still serve it until its successor is deployed. */
  async delete(): Promise<void> {},
});
