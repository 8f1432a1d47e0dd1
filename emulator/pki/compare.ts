/**
 * What CPS checks when a third-party certificate is uploaded: does it belong to the CSR CPS made
 * (public key, CN, subject, SANs), is it within its validity dates on the emulator clock, and does
 * the trust chain lead to a root the edge trusts. Each problem is a post-verification warning.
 */
import { X509Certificate as NodeX509 } from "node:crypto";
import { x509 } from "./crypto";
import { dnsSans, parseCertificates, parseCsr, splitPem, subjectField } from "./parse";
import { warning, type CertificateWarning, type WarningCode } from "./warning-catalogue";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CompareOptions {
  /** Emulator time to judge validity against. */
  now: Date;
  /** Roots the edge considers standard (PEM bundle). Without it, chain termination is not judged. */
  trustedRootsPem?: string;
  /** CPS's requested `signatureAlgorithm` (e.g. SHA-256); a certificate signed with another hash is flagged. */
  expectedSignatureHash?: "SHA-256" | "SHA-1";
  /** Warn when fewer days than this remain (default 30). */
  nearExpiryDays?: number;
  /** The key algorithm of the certificate (`RSA`/`ECDSA`), as CPS names it in its texts. */
  keyAlgorithm?: string;
}

/** A distinguished name as CPS prints it (Java's X500Principal: "CN=a, O=b"). */
function dn(text: string): string {
  return text.split("\n").filter((part) => part !== "").reverse().join(", ");
}

/** The dump CPS appends to trust-chain warnings (Akamai's post-verification example shows its shape). */
function chainDump(leaf: NodeX509, chain: readonly NodeX509[]): string {
  const colons = (serial: string): string => `${serial.toLowerCase().replace(/(..)(?!$)/g, "$1:")}:`;
  const lines = ["Trust Chain", `Certificate: Subject: ${dn(leaf.subject)}`, `  Issuer: ${dn(leaf.issuer)}`, `  Serial Number: ${colons(leaf.serialNumber)}`];
  if (chain.length > 0) lines.push("The chain that will be used is:");
  chain.forEach((cert, index) => lines.push(`${index + 1}.  Subject: ${dn(cert.subject)}`, `  Issuer: ${dn(cert.issuer)}`, `  Serial Number: ${colons(cert.serialNumber)}`));
  return lines.join("\n");
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

type SubjectLetter = "C" | "ST" | "L" | "O" | "OU";
const SUBJECT_FIELDS: SubjectLetter[] = ["C", "ST", "L", "O", "OU"];

function compareSubjectField(field: SubjectLetter, inCsr: string | undefined, inCert: string | undefined): CertificateWarning | undefined {
  const code = (suffix: string): WarningCode => `CSR_VS_CERTIFICATE_${field}_FIELD_${suffix}` as WarningCode;
  if (inCsr && !inCert) return warning(code("MISSING_IN_CERTIFICATE"), { csrSubjectValue: inCsr });
  if (!inCsr && inCert) return warning(code("ADDITIONAL_IN_CERTIFICATE"), { certificateSubjectValue: inCert });
  if (inCsr && inCert && inCsr !== inCert) return warning(code("MISMATCH"), { csrSubjectValue: inCsr, certificateSubjectValue: inCert });
  return undefined;
}

function compareNames(csr: x509.Pkcs10CertificateRequest, cert: x509.X509Certificate, keyAlgorithm: string): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const csrCn = subjectField(csr, "CN");
  const certCn = subjectField(cert, "CN");
  const cns = { keyAlgorithm, certificateValue: certCn ?? "", csrValue: csrCn ?? "" };
  if (!csrCn || !certCn) warnings.push(warning("CSR_VS_CERTIFICATE_CN_MISSING", cns));
  else if (csrCn !== certCn) {
    warnings.push(warning(csrCn.toLowerCase() === certCn.toLowerCase() ? "CSR_VS_CERTIFICATE_CN_CASE_MISMATCH" : "CSR_VS_CERTIFICATE_CN_MISMATCH", cns));
  }
  for (const field of SUBJECT_FIELDS) {
    const found = compareSubjectField(field, subjectField(csr, field), subjectField(cert, field));
    if (found) warnings.push(found);
  }

  const csrSans = dnsSans(csr);
  const certSans = dnsSans(cert);
  const certExact = new Set(certSans);
  const certLower = new Set(certSans.map((name) => name.toLowerCase()));
  const csrLower = new Set(csrSans.map((name) => name.toLowerCase()));
  for (const name of csrSans) {
    if (certExact.has(name)) continue;
    const inCert = certSans.find((san) => san.toLowerCase() === name.toLowerCase());
    warnings.push(
      inCert !== undefined
        ? warning("CSR_VS_CERTIFICATE_SAN_CASE_MISMATCH", { certificateValue: inCert, csrValue: name, keyAlgorithm })
        : warning("CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE", { sanValue: name }),
    );
  }
  for (const name of certSans) {
    if (!csrLower.has(name.toLowerCase())) warnings.push(warning("CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE", { sanValue: name }));
  }
  if (certCn && certSans.length > 0 && !certLower.has(certCn.toLowerCase())) warnings.push(warning("CERTIFICATE_MISSING_CN_FROM_SAN_LIST", { keyAlgorithm }));
  return warnings;
}

function compareValidity(cert: x509.X509Certificate, options: CompareOptions, keyAlgorithm: string): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const now = options.now.getTime();
  if (cert.notAfter.getTime() < now) warnings.push(warning("CERTIFICATE_EXPIRED"));
  else if (cert.notAfter.getTime() - now < (options.nearExpiryDays ?? 30) * DAY_MS) warnings.push(warning("CERTIFICATE_EXPIRATION_DATE_IN_NEAR_FUTURE", { keyAlgorithm }));
  if (cert.notBefore.getTime() > now) {
    warnings.push(
      warning("CERTIFICATE_NOT_YET_VALID", { issuer: dn(cert.issuer.replace(/, /g, "\n")), serialNumber: cert.serialNumber, exceptionMessage: `NotBefore: ${cert.notBefore.toUTCString()}` }),
    );
  }
  const lifetimeMs = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (lifetimeMs > 397 * DAY_MS) {
    const months = Math.floor(lifetimeMs / (30.4375 * DAY_MS));
    warnings.push(
      warning("CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS", { keyAlgorithm, certificateExpirationYears: String(Math.floor(months / 12)), certificateExpirationMonths: String(months % 12) }),
    );
  }
  return warnings;
}

function compareChain(certPem: string, chainPem: string, options: CompareOptions): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const leaf = new NodeX509(certPem);
  let chain: NodeX509[];
  try {
    chain = splitPem(chainPem).map((pem) => new NodeX509(pem));
  } catch {
    return [warning("TRUST_CHAIN_PARSING_ERROR")];
  }
  if (chainPem.trim() !== "" && chain.length === 0) return [warning("TRUST_CHAIN_PARSING_ERROR")];
  const roots = options.trustedRootsPem ? splitPem(options.trustedRootsPem).map((pem) => new NodeX509(pem)) : [];
  const isRoot = (cert: NodeX509): boolean => roots.some((root) => root.fingerprint256 === cert.fingerprint256);
  const signs = (issuer: NodeX509, subject: NodeX509): boolean => subject.checkIssued(issuer) && subject.verify(issuer.publicKey);

  if (chain.some((cert) => cert.fingerprint256 === leaf.fingerprint256)) warnings.push(warning("END_ENTITY_CERT_IN_TRUST_CHAIN"));
  const intermediates = chain.filter((cert) => cert.fingerprint256 !== leaf.fingerprint256);
  if (intermediates.some(isRoot)) warnings.push(warning("TRUST_CHAIN_INCLUDES_STANDARD_ROOT_CERTIFICATE"));

  const now = options.now.getTime();
  intermediates.forEach((cert, index) => {
    const expired = new Date(cert.validTo).getTime() < now;
    if (expired || new Date(cert.validFrom).getTime() > now) {
      warnings.push(
        warning("TRUST_CHAIN_EXPIRED_OR_NOT_YET_VALID", {
          trustChainOrderNumber: String(index + 1),
          issuer: dn(cert.issuer),
          serialNumber: cert.serialNumber.toLowerCase(),
          exceptionMessage: expired ? `NotAfter: ${new Date(cert.validTo).toUTCString()}` : `NotBefore: ${new Date(cert.validFrom).toUTCString()}`,
        }),
      );
    } else if (new Date(cert.validTo).getTime() < new Date(leaf.validTo).getTime()) {
      warnings.push(
        warning("TRUST_CHAIN_EXPIRED_BEFORE_EE", {
          endEntityCn: commonName(leaf),
          endEntityNotAfter: new Date(leaf.validTo).toISOString(),
          chainEntityCn: commonName(cert),
          chainEntityNotAfter: new Date(cert.validTo).toISOString(),
        }),
      );
    }
  });

  // Walk up from the leaf: each step must be signed by the next certificate in the given order.
  let current = leaf;
  let sorted = true;
  const remaining = [...intermediates];
  while (remaining.length > 0) {
    const index = remaining.findIndex((candidate) => signs(candidate, current));
    if (index < 0) {
      if (!isRoot(remaining[0] as NodeX509)) warnings.push(warning("TRUST_CHAIN_VERIFY_FAILED", { trustChainCn: remaining.map(commonName).join(", "), endEntityCn: commonName(leaf) }));
      break;
    }
    if (index !== 0) sorted = false;
    current = remaining.splice(index, 1)[0] as NodeX509;
  }
  if (!sorted) warnings.push(warning("UNSORTED_TRUST_CHAIN", { trustChainData: chainDump(leaf, ordered(leaf, intermediates, signs)) }));

  if (roots.length > 0) {
    const top = current;
    const trusted = isRoot(top) || roots.some((root) => signs(root, top));
    if (!trusted) {
      warnings.push(
        intermediates.length === 0
          ? warning("TRUST_CHAIN_EMPTY_AND_CERTIFICATE_SIGNED_BY_NON_STANDARD_ROOT")
          : warning("TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED", { trustChainData: chainDump(leaf, ordered(leaf, intermediates, signs)) }),
      );
    }
  }
  return warnings;
}

function commonName(cert: NodeX509): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? dn(cert.subject);
}

/** The chain in signing order from the leaf up (what CPS says it "will use"). */
function ordered(leaf: NodeX509, chain: readonly NodeX509[], signs: (issuer: NodeX509, subject: NodeX509) => boolean): NodeX509[] {
  const out: NodeX509[] = [];
  const remaining = [...chain];
  let current = leaf;
  for (;;) {
    const index = remaining.findIndex((candidate) => signs(candidate, current));
    if (index < 0) break;
    current = remaining.splice(index, 1)[0] as NodeX509;
    out.push(current);
  }
  return [...out, ...remaining];
}

/**
 * Compare an uploaded certificate (+ trust chain) with the CSR CPS generated for it. Returns the
 * post-verification warnings, empty when everything matches.
 */
export async function compareCertificateWithCsr(certificatePem: string, trustChainPem: string, csrPem: string, options: CompareOptions): Promise<CertificateWarning[]> {
  const keyAlgorithm = options.keyAlgorithm ?? "RSA";
  if (certificatePem.trim() === "") return [warning("CERTIFICATE_NULL_OR_EMPTY", { certificateDescription: keyAlgorithm })];
  if (splitPem(certificatePem).length === 0) return [warning("CERTIFICATE_NOT_PEM_FORMAT")];
  let cert: x509.X509Certificate;
  try {
    const parsed = parseCertificates(certificatePem)[0];
    if (!parsed) return [warning("CERTIFICATE_NULL_OR_EMPTY", { certificateDescription: keyAlgorithm })];
    cert = parsed;
  } catch (error) {
    return [warning("CERTIFICATE_PARSING_ERROR", { certificateText: certificatePem.trim().slice(0, 64), exceptionMessage: (error as Error).message })];
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = parseCsr(csrPem);
  } catch {
    return [warning("CSR_PARSING_ERROR")];
  }

  const warnings: CertificateWarning[] = [];
  if (!sameBytes(cert.publicKey.rawData, csr.publicKey.rawData)) warnings.push(warning("CSR_VS_CERTIFICATE_KEY_MISMATCH", { keyAlgorithm }));
  if (cert.issuer.trim() === "") warnings.push(warning("CERTIFICATE_HAS_NULL_ISSUER"));
  if (/^0*$/.test(cert.serialNumber)) warnings.push(warning("CERTIFICATE_HAS_NULL_SERIAL_NUMBER"));
  if (cert.issuer !== "" && cert.issuer === cert.subject) warnings.push(warning("CERTIFICATE_SELF_SIGNED"));
  if (options.expectedSignatureHash) {
    const hash = (cert.signatureAlgorithm.hash as { name?: string } | undefined)?.name;
    if (hash && hash.toUpperCase() !== options.expectedSignatureHash) {
      const javaName = `${hash.toUpperCase().replace("-", "")}with${keyAlgorithm === "ECDSA" ? "ECDSA" : "RSA"}`;
      warnings.push(warning("CERTIFICATE_SIGNATURE_MISMATCH", { requestedSignatureAlgorithm: options.expectedSignatureHash, cpsActualSignatureAlgorithm: hash.toUpperCase(), actualSignatureAlgorithm: javaName }));
    }
  }
  warnings.push(...compareNames(csr, cert, keyAlgorithm), ...compareValidity(cert, options, keyAlgorithm));
  warnings.push(...compareChain(splitPem(certificatePem)[0] as string, trustChainPem, options));
  return warnings;
}
