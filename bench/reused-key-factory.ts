/**
 * The emulator's key factory for seeding hundreds of enrollments: a real PKCS#10 CSR per change,
 * signed with one key pair per algorithm generated once. The default generates an RSA-2048 key per
 * change (~100-200 ms of CPU each in libuv's pool), which for 1,000 seeded changes is minutes of
 * emulator work on the bench's 2 cores; CPS does that work on Akamai's machines, and no scenario
 * measures it.
 */
import type { KeyFactory } from "../emulator/seams";
import { generateKeyPair, hashFromSignatureAlgorithm, privateKeyToPem, signingAlgorithm, spkiFingerprint, subtle, x509, type CryptoKeyPair } from "../emulator/pki/crypto";
import { subjectJson } from "../emulator/pki/key-factory";

export function reusedKeyFactory(): KeyFactory {
  const keys = new Map<string, Promise<{ pair: CryptoKeyPair; privateKeyPem: string; fingerprint: string }>>();
  const keyFor = (algorithm: "RSA" | "ECDSA", hash: "SHA-256" | "SHA-1") => {
    const id = `${algorithm}/${hash}`;
    let key = keys.get(id);
    if (key === undefined) {
      key = generateKeyPair(algorithm, hash).then(async (pair) => ({
        pair,
        privateKeyPem: await privateKeyToPem(pair.privateKey),
        fingerprint: spkiFingerprint(await subtle.exportKey("spki", pair.publicKey)),
      }));
      keys.set(id, key);
    }
    return key;
  };
  return {
    async generate(request) {
      const hash = hashFromSignatureAlgorithm(request.signatureAlgorithm);
      const key = await keyFor(request.keyAlgorithm, hash);
      const csr = await x509.Pkcs10CertificateRequestGenerator.create({
        name: subjectJson(request),
        keys: key.pair,
        signingAlgorithm: signingAlgorithm(request.keyAlgorithm, hash),
        extensions: request.sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(request.sans.map((value) => ({ type: "dns" as const, value })))] : [],
      });
      return { keyAlgorithm: request.keyAlgorithm, privateKeyPem: key.privateKeyPem, csrPem: csr.toString("pem") + "\n", publicKeyFingerprint: key.fingerprint };
    },
  };
}
