import { x509 } from "../x509-setup";
import type { WarningCode as WarningId } from "../pki/warning-catalogue";

export interface UploadedCertificate {
  keyAlgorithm: "RSA" | "ECDSA";
  certificatePem: string;
  trustChainPem: string;
}

export interface CheckedCertificate {
  notBefore: Date;
  notAfter: Date;
  serialHex: string;
}

export interface ThirdPartyCheckResult {
  warnings: WarningId[];
  /** Present when the certificate parsed. */
  parsed?: CheckedCertificate;
}

function spkiHex(key: x509.PublicKey): string {
  return Buffer.from(key.rawData).toString("hex");
}

/**
 * What CPS checks when a third-party certificate is uploaded: it must parse as PEM, carry the CSR's
 * public key, CN and SANs, and be valid now. Every mismatch becomes a post-verification warning
 * (the user may still acknowledge it), never a silent acceptance.
 */
export function checkThirdPartyCertificate(upload: UploadedCertificate, csrPem: string, expectedNames: string[], now: Date): ThirdPartyCheckResult {
  if (!/-----BEGIN CERTIFICATE-----/.test(upload.certificatePem)) return { warnings: ["CERTIFICATE_NOT_PEM_FORMAT"] };
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(upload.certificatePem);
  } catch {
    return { warnings: ["CERTIFICATE_PARSING_ERROR"] };
  }
  const warnings: WarningId[] = [];
  try {
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    if (spkiHex(csr.publicKey) !== spkiHex(cert.publicKey)) warnings.push("CSR_VS_CERTIFICATE_KEY_MISMATCH");
  } catch {
    warnings.push("CSR_VS_CERTIFICATE_KEY_MISMATCH");
  }
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(cert.subject)?.[1];
  if (expectedNames.length > 0 && cn?.toLowerCase() !== expectedNames[0].toLowerCase()) warnings.push("CSR_VS_CERTIFICATE_CN_MISMATCH");
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const certNames = new Set((san?.names.items ?? []).filter((n) => n.type === "dns").map((n) => n.value.toLowerCase()));
  if (expectedNames.some((n) => !certNames.has(n.toLowerCase()))) warnings.push("CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE");
  const expected = new Set(expectedNames.map((n) => n.toLowerCase()));
  if ([...certNames].some((n) => !expected.has(n))) warnings.push("CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE");
  if (cert.notAfter.getTime() < now.getTime()) warnings.push("CERTIFICATE_EXPIRED");
  if (cert.notBefore.getTime() > now.getTime()) warnings.push("CERTIFICATE_NOT_YET_VALID");
  if (cert.notAfter.getTime() - cert.notBefore.getTime() > 398 * 86_400_000) warnings.push("CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS");
  if (cert.subject === cert.issuer) warnings.push("CERTIFICATE_SELF_SIGNED");
  return { warnings, parsed: { notBefore: cert.notBefore, notAfter: cert.notAfter, serialHex: cert.serialNumber } };
}
