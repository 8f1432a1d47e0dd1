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
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

type SubjectLetter = "C" | "ST" | "L" | "O" | "OU";
const SUBJECT_FIELDS: SubjectLetter[] = ["C", "ST", "L", "O", "OU"];

function compareSubjectField(field: SubjectLetter, inCsr: string | undefined, inCert: string | undefined): CertificateWarning | undefined {
  const code = (suffix: string): WarningCode => `CSR_VS_CERTIFICATE_${field}_FIELD_${suffix}` as WarningCode;
  if (inCsr && !inCert) return warning(code("MISSING_IN_CERTIFICATE"), `CSR ${field}=${inCsr}`);
  if (!inCsr && inCert) return warning(code("ADDITIONAL_IN_CERTIFICATE"), `certificate ${field}=${inCert}`);
  if (inCsr && inCert && inCsr !== inCert) return warning(code("MISMATCH"), `CSR ${field}=${inCsr}, certificate ${field}=${inCert}`);
  return undefined;
}

function compareNames(csr: x509.Pkcs10CertificateRequest, cert: x509.X509Certificate): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const csrCn = subjectField(csr, "CN");
  const certCn = subjectField(cert, "CN");
  if (!csrCn || !certCn) warnings.push(warning("CSR_VS_CERTIFICATE_CN_MISSING", `CSR CN=${csrCn ?? "(none)"}, certificate CN=${certCn ?? "(none)"}`));
  else if (csrCn !== certCn) {
    warnings.push(warning(csrCn.toLowerCase() === certCn.toLowerCase() ? "CSR_VS_CERTIFICATE_CN_CASE_MISMATCH" : "CSR_VS_CERTIFICATE_CN_MISMATCH", `CSR CN=${csrCn}, certificate CN=${certCn}`));
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
    warnings.push(certLower.has(name.toLowerCase()) ? warning("CSR_VS_CERTIFICATE_SAN_CASE_MISMATCH", name) : warning("CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE", name));
  }
  for (const name of certSans) {
    if (!csrLower.has(name.toLowerCase())) warnings.push(warning("CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE", name));
  }
  if (certCn && certSans.length > 0 && !certLower.has(certCn.toLowerCase())) warnings.push(warning("CERTIFICATE_MISSING_CN_FROM_SAN_LIST", certCn));
  return warnings;
}

function compareValidity(cert: x509.X509Certificate, options: CompareOptions): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const now = options.now.getTime();
  const dates = `valid ${cert.notBefore.toISOString()} – ${cert.notAfter.toISOString()}, emulator time ${options.now.toISOString()}`;
  if (cert.notAfter.getTime() < now) warnings.push(warning("CERTIFICATE_EXPIRED", dates));
  else if (cert.notAfter.getTime() - now < (options.nearExpiryDays ?? 30) * DAY_MS) warnings.push(warning("CERTIFICATE_EXPIRATION_DATE_IN_NEAR_FUTURE", dates));
  if (cert.notBefore.getTime() > now) warnings.push(warning("CERTIFICATE_NOT_YET_VALID", dates));
  if (cert.notAfter.getTime() - cert.notBefore.getTime() > 397 * DAY_MS) warnings.push(warning("CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS", dates));
  return warnings;
}

function compareChain(certPem: string, chainPem: string, options: CompareOptions): CertificateWarning[] {
  const warnings: CertificateWarning[] = [];
  const leaf = new NodeX509(certPem);
  let chain: NodeX509[];
  try {
    chain = splitPem(chainPem).map((pem) => new NodeX509(pem));
  } catch (error) {
    return [warning("TRUST_CHAIN_PARSING_ERROR", (error as Error).message)];
  }
  if (chainPem.trim() !== "" && chain.length === 0) return [warning("TRUST_CHAIN_PARSING_ERROR", "no PEM CERTIFICATE block in the trust chain")];
  const roots = options.trustedRootsPem ? splitPem(options.trustedRootsPem).map((pem) => new NodeX509(pem)) : [];
  const isRoot = (cert: NodeX509): boolean => roots.some((root) => root.fingerprint256 === cert.fingerprint256);
  const signs = (issuer: NodeX509, subject: NodeX509): boolean => subject.checkIssued(issuer) && subject.verify(issuer.publicKey);

  if (chain.some((cert) => cert.fingerprint256 === leaf.fingerprint256)) warnings.push(warning("END_ENTITY_CERT_IN_TRUST_CHAIN"));
  const intermediates = chain.filter((cert) => cert.fingerprint256 !== leaf.fingerprint256);
  if (intermediates.some(isRoot)) warnings.push(warning("TRUST_CHAIN_INCLUDES_STANDARD_ROOT_CERTIFICATE"));

  const now = options.now.getTime();
  for (const cert of intermediates) {
    if (new Date(cert.validTo).getTime() < now) warnings.push(warning("TRUST_CHAIN_EXPIRED", cert.subject.replace(/\n/g, ", ")));
    else if (new Date(cert.validFrom).getTime() > now) warnings.push(warning("TRUST_CHAIN_NOT_YET_VALID", cert.subject.replace(/\n/g, ", ")));
    else if (new Date(cert.validTo).getTime() < new Date(leaf.validTo).getTime()) warnings.push(warning("TRUST_CHAIN_EXPIRED_BEFORE_EE", cert.subject.replace(/\n/g, ", ")));
  }

  // Walk up from the leaf: each step must be signed by the next certificate in the given order.
  let current = leaf;
  let sorted = true;
  const remaining = [...intermediates];
  while (remaining.length > 0) {
    const index = remaining.findIndex((candidate) => signs(candidate, current));
    if (index < 0) {
      if (!isRoot(remaining[0] as NodeX509)) warnings.push(warning("TRUST_CHAIN_VERIFY_FAILED", `nothing in the trust chain signed "${current.subject.replace(/\n/g, ", ")}"`));
      break;
    }
    if (index !== 0) sorted = false;
    current = remaining.splice(index, 1)[0] as NodeX509;
  }
  if (!sorted) warnings.push(warning("UNSORTED_TRUST_CHAIN"));

  if (roots.length > 0) {
    const top = current;
    const trusted = isRoot(top) || roots.some((root) => signs(root, top));
    if (!trusted) {
      warnings.push(
        intermediates.length === 0
          ? warning("TRUST_CHAIN_EMPTY_AND_CERTIFICATE_SIGNED_BY_NON_STANDARD_ROOT", `issuer "${top.issuer.replace(/\n/g, ", ")}"`)
          : warning("TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE", `top of chain issued by "${top.issuer.replace(/\n/g, ", ")}"`),
      );
    }
  }
  return warnings;
}

/**
 * Compare an uploaded certificate (+ trust chain) with the CSR CPS generated for it. Returns the
 * post-verification warnings, empty when everything matches.
 */
export async function compareCertificateWithCsr(certificatePem: string, trustChainPem: string, csrPem: string, options: CompareOptions): Promise<CertificateWarning[]> {
  if (certificatePem.trim() === "") return [warning("CERTIFICATE_NULL_OR_EMPTY")];
  if (splitPem(certificatePem).length === 0) return [warning("CERTIFICATE_NOT_PEM_FORMAT")];
  let cert: x509.X509Certificate;
  try {
    const parsed = parseCertificates(certificatePem)[0];
    if (!parsed) return [warning("CERTIFICATE_NULL_OR_EMPTY")];
    cert = parsed;
  } catch (error) {
    return [warning("CERTIFICATE_PARSING_ERROR", (error as Error).message)];
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = parseCsr(csrPem);
  } catch (error) {
    return [warning("CSR_PARSING_ERROR", (error as Error).message)];
  }

  const warnings: CertificateWarning[] = [];
  if (!sameBytes(cert.publicKey.rawData, csr.publicKey.rawData)) warnings.push(warning("CSR_VS_CERTIFICATE_KEY_MISMATCH"));
  if (cert.issuer.trim() === "") warnings.push(warning("CERTIFICATE_HAS_NULL_ISSUER"));
  if (/^0*$/.test(cert.serialNumber)) warnings.push(warning("CERTIFICATE_HAS_NULL_SERIAL_NUMBER"));
  if (cert.issuer !== "" && cert.issuer === cert.subject) warnings.push(warning("CERTIFICATE_SELF_SIGNED", cert.subject));
  if (options.expectedSignatureHash) {
    const hash = (cert.signatureAlgorithm.hash as { name?: string } | undefined)?.name;
    if (hash && hash.toUpperCase() !== options.expectedSignatureHash) warnings.push(warning("CERTIFICATE_SIGNATURE_MISMATCH", `requested ${options.expectedSignatureHash}, signed with ${hash}`));
  }
  warnings.push(...compareNames(csr, cert), ...compareValidity(cert, options));
  warnings.push(...compareChain(splitPem(certificatePem)[0] as string, trustChainPem, options));
  return warnings;
}
