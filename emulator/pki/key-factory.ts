/** CPS generates the private key and CSR for an enrollment: RSA 2048 or ECDSA P-256, real PKCS#10. */
import type { CsrRequest, GeneratedKeyAndCsr, KeyFactory } from "../seams";
import { generateKeyPair, hashFromSignatureAlgorithm, privateKeyToPem, signingAlgorithm, spkiFingerprint, subtle, x509 } from "./crypto";

/** Subject attributes in the order CPS lists them; empty values are left out. */
export function subjectJson(request: Pick<CsrRequest, "commonName" | "subject">): x509.JsonName {
  const { c, st, l, o, ou } = request.subject;
  const parts: [string, string | null | undefined][] = [["C", c], ["ST", st], ["L", l], ["O", o], ["OU", ou], ["CN", request.commonName]];
  return parts.filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "").map(([key, value]) => ({ [key]: [value] }));
}

export async function generateKeyAndCsr(request: CsrRequest): Promise<GeneratedKeyAndCsr> {
  const hash = hashFromSignatureAlgorithm(request.signatureAlgorithm);
  const keys = await generateKeyPair(request.keyAlgorithm, hash);
  const extensions: x509.Extension[] = [];
  if (request.sans.length > 0) {
    extensions.push(new x509.SubjectAlternativeNameExtension(request.sans.map((name) => ({ type: "dns" as const, value: name }))));
  }
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectJson(request),
    keys,
    signingAlgorithm: signingAlgorithm(request.keyAlgorithm, hash),
    extensions,
  });
  return {
    keyAlgorithm: request.keyAlgorithm,
    privateKeyPem: await privateKeyToPem(keys.privateKey),
    csrPem: csr.toString("pem") + "\n",
    publicKeyFingerprint: spkiFingerprint(await subtle.exportKey("spki", keys.publicKey)),
  };
}

export function createKeyFactory(): KeyFactory {
  return { generate: generateKeyAndCsr };
}
