/**
 * Real X.509 parsing for third-party certificates (node:crypto), with findings phrased for check
 * failures: what is wrong with the PEM a user passed, not a stack trace.
 */
import "reflect-metadata";
import { createHash, X509Certificate } from "crypto";
import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension } from "@peculiar/x509";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The PEM certificate blocks in `text`, in order (anything between them is ignored). */
export function pemBlocks(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

/** One parsed certificate, or the reason it could not be parsed. */
export type ParsedPem = { ok: true; cert: X509Certificate } | { ok: false; reason: string };

export function parseCertificatePem(pem: string): ParsedPem {
  try {
    return { ok: true, cert: new X509Certificate(pem) };
  } catch (e) {
    return { ok: false, reason: (e instanceof Error ? e.message : String(e)).replace(/^Error: /, "") };
  }
}

/** Canonical PEM (base64 of the DER, 64 columns, `\n` endings): equal certificates compare equal whatever the whitespace. */
export function canonicalPem(cert: X509Certificate): string {
  const b64 = cert.raw.toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Canonical form of a PEM text holding zero or more certificates (unparseable input is returned trimmed). */
export function canonicalPemText(text: string | undefined | null): string {
  if (!text) return "";
  const blocks = pemBlocks(text);
  const out: string[] = [];
  for (const block of blocks) {
    const parsed = parseCertificatePem(block);
    if (!parsed.ok) return text.trim();
    out.push(canonicalPem(parsed.cert));
  }
  return blocks.length === 0 ? text.trim() : out.join("");
}

/** Hex SHA-256 of the SubjectPublicKeyInfo: the same value csr-outputs.ts computes for a CSR. */
export function certificateKeyFingerprint(cert: X509Certificate): string {
  return createHash("sha256").update(cert.publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** "RSA" or "ECDSA" (undefined for other key types, e.g. Ed25519, which CPS does not take). */
export function certificateKeyAlgorithm(cert: X509Certificate): "RSA" | "ECDSA" | undefined {
  const type = cert.publicKey.asymmetricKeyType;
  if (type === "rsa") return "RSA";
  if (type === "ec") return "ECDSA";
  return undefined;
}

/** DNS names of the subjectAltName extension, lower case. */
export function certificateDnsNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("DNS:"))
    .map((s) => s.slice(4).toLowerCase());
}

/** `CN=...` of a distinguished name as node prints it (one attribute per line). */
export function commonNameOf(dn: string): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1];
}

function shortName(cert: X509Certificate): string {
  return commonNameOf(cert.subject) ?? cert.subject.replace(/\n/g, ", ");
}

/**
 * Why `chain` (intermediates, leaf's issuer first) does not chain up from `leaf`, or undefined when
 * every certificate is issued (names) and signed (signature) by the next one.
 */
export function chainProblem(leaf: X509Certificate, chain: readonly X509Certificate[]): string | undefined {
  let child = leaf;
  for (let i = 0; i < chain.length; i++) {
    const parent = chain[i]!;
    const which = i === 0 ? "the certificate" : `chain certificate ${i} (${shortName(child)})`;
    if (!child.checkIssued(parent)) {
      return `chain certificate ${i + 1} (${shortName(parent)}) did not issue ${which}: its issuer is "${child.issuer.replace(/\n/g, ", ")}"`;
    }
    if (!child.verify(parent.publicKey)) {
      return `the signature on ${which} does not verify with the key of chain certificate ${i + 1} (${shortName(parent)})`;
    }
    child = parent;
  }
  return undefined;
}

/** Common name and DNS names a CSR asks for (lower case, CN first, duplicates removed). */
export function csrNames(csrPem: string): { commonName?: string; names: string[]; keyAlgorithm?: "RSA" | "ECDSA" } {
  const csr = new Pkcs10CertificateRequest(csrPem);
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(csr.subject)?.[1]?.trim().toLowerCase();
  const raw = csr.getExtension("2.5.29.17");
  const san = raw ? new SubjectAlternativeNameExtension(raw.rawData) : undefined;
  const sans = (san?.names.items ?? []).filter((n) => n.type === "dns").map((n) => n.value.toLowerCase());
  const names = [...new Set([...(cn ? [cn] : []), ...sans])];
  const alg = csr.publicKey.algorithm.name;
  const keyAlgorithm = alg === "ECDSA" || alg === "ECDH" ? "ECDSA" : alg.startsWith("RSA") ? "RSA" : undefined;
  return { ...(cn ? { commonName: cn } : {}), names, ...(keyAlgorithm ? { keyAlgorithm } : {}) };
}

/** A certificate as reported on a network or as uploaded (the SDK exports this type as is). */
export interface CertificateSummary {
  /** `RSA` or `ECDSA`. */
  keyAlgorithm: string;
  /** Serial number (hex). */
  serialNumber: string;
  /** Start of validity (ISO 8601). */
  notBefore: string;
  /** End of validity (ISO 8601). */
  notAfter: string;
  /** The names the certificate covers. */
  subjectAltNames: string[];
  /** The issuer's distinguished name. */
  issuer: string;
  /** Hex SHA-256 of the public key (compare with Enrollment.csrFingerprints). */
  publicKeyFingerprint: string;
}

export function summarize(cert: X509Certificate, keyAlgorithm?: string): CertificateSummary {
  return {
    keyAlgorithm: keyAlgorithm ?? certificateKeyAlgorithm(cert) ?? "unknown",
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    subjectAltNames: certificateDnsNames(cert),
    issuer: cert.issuer.replace(/\n/g, ", "),
    publicKeyFingerprint: certificateKeyFingerprint(cert),
  };
}
