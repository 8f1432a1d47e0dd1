/** Parse PEM certificates and CSRs, and read the names in them. */
import { x509 } from "./crypto";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Every PEM block with the given label (e.g. CERTIFICATE), in order. */
export function splitPem(text: string, label = "CERTIFICATE"): string[] {
  return [...text.matchAll(PEM_BLOCK)].filter((match) => match[1] === label).map((match) => match[0] + "\n");
}

export function parseCertificate(pem: string): x509.X509Certificate {
  return new x509.X509Certificate(pem);
}

/** All certificates in a PEM bundle (empty string → empty list). Throws if a block does not parse. */
export function parseCertificates(pemBundle: string): x509.X509Certificate[] {
  return splitPem(pemBundle).map(parseCertificate);
}

export function parseCsr(pem: string): x509.Pkcs10CertificateRequest {
  return new x509.Pkcs10CertificateRequest(pem);
}

type NameHolder = { subjectName: x509.Name; extensions: x509.Extension[]; getExtension?: unknown };

/** The first value of a subject attribute (C, ST, L, O, OU, CN), or undefined. */
export function subjectField(holder: Pick<NameHolder, "subjectName">, field: string): string | undefined {
  return holder.subjectName.getField(field)[0];
}

/** DNS names from the subjectAltName extension of a certificate or CSR. */
export function dnsSans(holder: Pick<NameHolder, "extensions">): string[] {
  const san = holder.extensions.find((extension): extension is x509.SubjectAlternativeNameExtension => extension instanceof x509.SubjectAlternativeNameExtension);
  if (!san) return [];
  return san.names.items.filter((name) => name.type === "dns").map((name) => name.value);
}

/** CN plus SANs, lower case, deduplicated: the names a certificate or CSR covers. */
export function coveredNames(holder: Pick<NameHolder, "subjectName" | "extensions">): string[] {
  const cn = subjectField(holder, "CN");
  const names = [...(cn ? [cn] : []), ...dnsSans(holder)].map((name) => name.toLowerCase());
  return [...new Set(names)];
}

export function serialHexOf(cert: x509.X509Certificate): string {
  return cert.serialNumber.toLowerCase();
}
