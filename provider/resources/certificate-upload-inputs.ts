/**
 * CertificateUpload inputs, and every check that needs no API call: the PEMs are parsed as real
 * X.509, and a certificate that CPS would reject or warn about (garbage, expired, a chain that does
 * not chain, the wrong key type, a key that does not match the CSR when the program passed the
 * enrollment's fingerprints) fails `check` with the property and the reason.
 */
import type { X509Certificate } from "crypto";
import { z } from "zod";
import { durationInput, enrollmentIdInput, warningPolicyInput } from "./common-inputs";
import { expecting } from "./strict-inputs";
import {
  certificateDnsNames,
  certificateKeyAlgorithm,
  certificateKeyFingerprint,
  chainProblem,
  parseCertificatePem,
  pemBlocks,
} from "./pem";

/** How far in the future a certificate's notBefore may be (clock skew between the CA, this machine and CPS). */
const NOT_YET_VALID_TOLERANCE_MS = 5 * 60_000;

const keyAlgorithm = z.enum(["RSA", "ECDSA"], { error: (issue) => (issue.input === undefined ? 'is required: "RSA" or "ECDSA"' : 'must be "RSA" or "ECDSA"') });

const certificateEntry = z
  .object({
    keyAlgorithm,
    /** The leaf certificate (PEM). Optional in the schema only so that a chain without it gets its own message. */
    certificatePem: z.string(expecting("a PEM certificate as text (-----BEGIN CERTIFICATE----- …)")).optional(),
    /** Intermediates, leaf's issuer first (PEM, concatenated). */
    trustChainPem: z.string(expecting("PEM certificates as text (-----BEGIN CERTIFICATE----- …)")).optional(),
  }, expecting('a certificate: an object with keyAlgorithm and certificatePem, e.g. { keyAlgorithm: "RSA", certificatePem: "-----BEGIN CERTIFICATE-----…" }'))
  .strict();

const fingerprint = z.string(expecting("text, a hex SHA-256 fingerprint")).regex(/^[0-9a-f]{64}$/i, { message: "must be a hex SHA-256 fingerprint (the Enrollment's csrFingerprints output)" });

export const certificateUploadInputsSchema = z
  .object({
    enrollmentId: enrollmentIdInput,
    certificates: z
      .array(certificateEntry, expecting('a list of certificates, e.g. [{ keyAlgorithm: "RSA", certificatePem: "-----BEGIN CERTIFICATE-----…" }]'))
      .min(1, { message: "needs at least one certificate (one per key algorithm)" })
      .max(2, { message: "takes at most two certificates: one RSA and one ECDSA" }),
    postVerificationWarnings: warningPolicyInput.default("fail"),
    acknowledgeChangeManagement: z.boolean().default(false),
    waitForDeployment: z.enum(["none", "staging", "production"], { message: 'must be "none", "staging" or "production"' }).default("production"),
    /** The Enrollment's `csrFingerprints`: lets check reject a certificate for another key before any API call. */
    csrFingerprints: z.object({ rsa: fingerprint.optional(), ecdsa: fingerprint.optional() }).strict().optional(),
    /** Names the certificate must cover (e.g. the Enrollment's `domains`); checked offline. */
    expectedSans: z.array(z.string(expecting("a host name such as www.example.com")).min(1), expecting('a list of host names, e.g. ["www.example.com"]')).max(200).optional(),
    timeout: durationInput.default("60m"),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Map<string, number>();
    v.certificates.forEach((entry, i) => {
      const at = (field: string) => ["certificates", i, field];
      const earlier = seen.get(entry.keyAlgorithm);
      if (earlier !== undefined) {
        ctx.addIssue({ code: "custom", path: at("keyAlgorithm"), message: `${entry.keyAlgorithm} is already given in certificates[${earlier}]; give one certificate per key algorithm` });
      } else seen.set(entry.keyAlgorithm, i);
      for (const problem of certificateProblems(entry, v, new Date())) ctx.addIssue({ code: "custom", path: at(problem.field), message: problem.message });
    });
  });

export type CertificateUploadInputs = z.output<typeof certificateUploadInputsSchema>;
export type CertificateEntry = CertificateUploadInputs["certificates"][number];

interface Problem {
  field: "certificatePem" | "trustChainPem" | "keyAlgorithm";
  message: string;
}

/** The leaf and chain of an entry that passed check. */
export interface ParsedEntry {
  keyAlgorithm: "RSA" | "ECDSA";
  leaf: X509Certificate;
  chain: X509Certificate[];
}

/** Parse an entry's PEMs; undefined when any part does not parse (check reports why). */
export function parseEntry(entry: CertificateEntry): ParsedEntry | undefined {
  const leafBlocks = pemBlocks(entry.certificatePem ?? "");
  if (leafBlocks.length !== 1) return undefined;
  const leaf = parseCertificatePem(leafBlocks[0]!);
  if (!leaf.ok) return undefined;
  const chain: X509Certificate[] = [];
  for (const block of pemBlocks(entry.trustChainPem ?? "")) {
    const parsed = parseCertificatePem(block);
    if (!parsed.ok) return undefined;
    chain.push(parsed.cert);
  }
  return { keyAlgorithm: entry.keyAlgorithm, leaf: leaf.cert, chain };
}

function certificateProblems(entry: CertificateEntry, inputs: Pick<CertificateUploadInputs, "csrFingerprints" | "expectedSans">, now: Date): Problem[] {
  const text = entry.certificatePem?.trim() ?? "";
  if (text === "") {
    return [
      {
        field: "certificatePem",
        message: entry.trustChainPem?.trim() ? "is required when trustChainPem is given: a trust chain cannot be uploaded without its certificate" : "is required (the PEM certificate CPS should deploy)",
      },
    ];
  }
  const blocks = pemBlocks(text);
  if (blocks.length === 0) return [{ field: "certificatePem", message: "is not a PEM certificate: no -----BEGIN CERTIFICATE----- block found" }];
  if (blocks.length > 1) {
    return [{ field: "certificatePem", message: `holds ${blocks.length} certificates; put only the leaf certificate here and the intermediates in trustChainPem` }];
  }
  const parsed = parseCertificatePem(blocks[0]!);
  if (!parsed.ok) return [{ field: "certificatePem", message: `is not a valid X.509 certificate: ${parsed.reason}` }];
  const leaf = parsed.cert;
  const problems: Problem[] = [];
  const notAfter = new Date(leaf.validTo);
  if (notAfter.getTime() < now.getTime()) problems.push({ field: "certificatePem", message: `expired on ${notAfter.toISOString()}; issue a new certificate from the enrollment's current CSR` });
  const notBefore = new Date(leaf.validFrom);
  // CPS would deploy a certificate that clients refuse until then; a few minutes cover clock skew.
  if (notBefore.getTime() > now.getTime() + NOT_YET_VALID_TOLERANCE_MS) {
    problems.push({ field: "certificatePem", message: `is not valid until ${notBefore.toISOString()} (its notBefore is in the future); upload a certificate that is valid now` });
  }
  const actual = certificateKeyAlgorithm(leaf);
  if (actual !== entry.keyAlgorithm) {
    problems.push({ field: "keyAlgorithm", message: `is ${entry.keyAlgorithm} but the certificate carries ${actual ? `an ${actual} key` : `a ${leaf.publicKey.asymmetricKeyType ?? "unknown"} key, which CPS does not accept`}` });
  }
  const expectedFingerprint = entry.keyAlgorithm === "RSA" ? inputs.csrFingerprints?.rsa : inputs.csrFingerprints?.ecdsa;
  if (expectedFingerprint && certificateKeyFingerprint(leaf) !== expectedFingerprint.toLowerCase()) {
    problems.push({
      field: "certificatePem",
      message: `its public key does not match the enrollment's current ${entry.keyAlgorithm} CSR (fingerprint ${expectedFingerprint.slice(0, 16)}…); issue the certificate from enrollment.csrs.${entry.keyAlgorithm.toLowerCase()}`,
    });
  }
  if (inputs.expectedSans) {
    const have = new Set(certificateDnsNames(leaf));
    const missing = inputs.expectedSans.map((n) => n.trim().toLowerCase().replace(/\.$/, "")).filter((n) => !have.has(n));
    if (missing.length > 0) problems.push({ field: "certificatePem", message: `does not cover ${missing.join(", ")}, which the enrollment requires (certificate names: ${[...have].join(", ") || "none"})` });
  }
  const chainText = entry.trustChainPem?.trim() ?? "";
  if (chainText !== "") {
    const chainBlocks = pemBlocks(chainText);
    if (chainBlocks.length === 0) return [...problems, { field: "trustChainPem", message: "is not PEM: no -----BEGIN CERTIFICATE----- block found" }];
    const chain: X509Certificate[] = [];
    for (const [i, block] of chainBlocks.entries()) {
      const c = parseCertificatePem(block);
      if (!c.ok) return [...problems, { field: "trustChainPem", message: `certificate ${i + 1} is not a valid X.509 certificate: ${c.reason}` }];
      chain.push(c.cert);
    }
    const chainIssue = chainProblem(leaf, chain);
    if (chainIssue) problems.push({ field: "trustChainPem", message: `does not chain to the certificate: ${chainIssue}` });
    const expired = chain.findIndex((c) => new Date(c.validTo).getTime() < now.getTime());
    if (expired >= 0) problems.push({ field: "trustChainPem", message: `certificate ${expired + 1} expired on ${new Date(chain[expired]!.validTo).toISOString()}` });
  }
  return problems;
}
