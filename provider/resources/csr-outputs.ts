/** Third-party CSRs as outputs: PEM per key algorithm plus the SHA-256 fingerprint of each public key. */
import "reflect-metadata";
import { createHash } from "crypto";
import { Pkcs10CertificateRequest } from "@peculiar/x509";

export interface CsrOutputs {
  csrs: { rsa?: string; ecdsa?: string };
  /** Hex SHA-256 of the SubjectPublicKeyInfo, per key algorithm: what an issued certificate must carry. */
  fingerprints: { rsa?: string; ecdsa?: string };
}

export function publicKeyFingerprint(pem: string): string | undefined {
  try {
    const csr = new Pkcs10CertificateRequest(pem);
    return createHash("sha256").update(Buffer.from(csr.publicKey.rawData)).digest("hex");
  } catch {
    return undefined;
  }
}

export function csrOutputs(list: ReadonlyArray<{ keyAlgorithm: string; csr: string }>): CsrOutputs {
  const out: CsrOutputs = { csrs: {}, fingerprints: {} };
  for (const { keyAlgorithm, csr } of list) {
    const key = keyAlgorithm.toUpperCase() === "ECDSA" ? "ecdsa" : "rsa";
    out.csrs[key] = csr;
    const fp = publicKeyFingerprint(csr);
    if (fp) out.fingerprints[key] = fp;
  }
  return out;
}
