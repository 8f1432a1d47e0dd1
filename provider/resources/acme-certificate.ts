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
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { checkTxtRecords } from "../lifecycle/dns-propagation";
import { Deadline } from "../lifecycle/follow";
import { waitUntil } from "../lifecycle/poll";
import type { Progress } from "../lifecycle/progress";
import { parseInputs, progressOf } from "./check";
import { durationInput, timeoutMs } from "./common-inputs";
import { acme, acmeErrorText, acmeSession, orderRef } from "./acme-session";
import { caCertPemInput, csrPemInput, directoryUrlInput } from "./acme-order";
import { publicKeyFingerprint } from "./csr-outputs";
import { certificateKeyFingerprint, canonicalPem, parseCertificatePem, pemBlocks, summarize } from "./pem";
import { txtLookup } from "./provider-config";
import { sameValue } from "./same-value";
import { acmeUrlInput, privateKeyPemInput, resolverInput } from "./strict-inputs";
import { hasUnknowns } from "./unknowns";
import { resourceProvider } from "./resource-provider";
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
type Props = Record<string, unknown>;

async function validateAuthorizations(client: acme.Client, order: acme.Order, inputs: Inputs, progress: Progress, deadline: Deadline): Promise<void> {
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
    const lookup = txtLookup(inputs.dnsResolvers);
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
async function issue(inputs: Inputs, progress: Progress, deadline: Deadline): Promise<string> {
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
    await validateAuthorizations(client, order, inputs, progress, deadline);
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

async function create(props: Props): Promise<{ id: string; outs: Props }> {
  const inputs = parseInputs(acmeCertificateInputsSchema, props);
  const progress = progressOf(props, "acme-certificate");
  // One deadline for every step: when it passes, the issuance stops where it is instead of running on unobserved.
  const deadline = new Deadline(timeoutMs(inputs.timeout, 10 * 60_000), () => new IssuanceTimeoutError(inputs.timeout));
  const chainPem = await issue(inputs, progress, deadline);
  const blocks = pemBlocks(chainPem);
  const leaf = parseCertificatePem(blocks[0] ?? "");
  if (!leaf.ok) throw new CodedError("AcmeCertificateInvalid", `the CA returned no parseable certificate: ${leaf.reason}`);
  if (certificateKeyFingerprint(leaf.cert) !== publicKeyFingerprint(inputs.csrPem)) {
    throw new CodedError("AcmeCertificateInvalid", "the CA returned a certificate whose public key is not the CSR's");
  }
  const chain = blocks.slice(1).map((b) => parseCertificatePem(b)).flatMap((p) => (p.ok ? [canonicalPem(p.cert)] : []));
  const summary = summarize(leaf.cert);
  progress(`issued ${summary.serialNumber} for ${summary.subjectAltNames.join(", ")} (expires ${summary.notAfter})`);
  const outs: Props = {
    ...props,
    certificatePem: canonicalPem(leaf.cert),
    trustChainPem: chain.join(""),
    fullChainPem: canonicalPem(leaf.cert) + chain.join(""),
    keyAlgorithm: summary.keyAlgorithm,
    serialNumber: summary.serialNumber,
    notBefore: summary.notBefore,
    notAfter: summary.notAfter,
    subjectAltNames: summary.subjectAltNames,
    issuer: summary.issuer,
    publicKeyFingerprint: summary.publicKeyFingerprint,
  };
  return { id: `${inputs.orderUrl}#${summary.serialNumber}`, outs };
}

async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  const replaceable = ["orderUrl", "csrPem", "directoryUrl", "accountUrl"] as const;
  if (hasUnknowns(news)) return { changes: true, replaces: replaceable.filter((k) => hasUnknowns(news[k])) };
  const inputs = parseInputs(acmeCertificateInputsSchema, news);
  const replaces = replaceable.filter((k) => String(olds[k] ?? "").trim() !== inputs[k].trim());
  const others = ["caCertPem", "propagationCheck", "dnsResolvers", "propagationTimeout", "timeout", "publishedRecords", "accountKeyPem"];
  const changed = replaces.length > 0 || others.some((k) => !sameValue(olds[k], news[k]));
  return { changes: changed, replaces };
}

export const acmeCertificateProvider = resourceProvider(acmeCertificateInputsSchema, {
  diff,
  create,
  /** Settings only (timeouts, resolvers): the certificate stays. */
  async update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    return { outs: { ...olds, ...news } };
  },
  /** The certificate is immutable; nothing to refresh. */
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    return { id, props };
  },
  /** Not revoked: CPS may still serve it until its successor is deployed. */
  async delete(): Promise<void> {},
});
