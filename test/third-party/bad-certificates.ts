/** The CertificateUpload bad-input table: each case with the property and reason check must report. */
import { createIntermediate, createRoot, issueLeaf, rsaPublicKey } from "./test-ca";

const DAY = 86_400_000;

export interface BadCase {
  name: string;
  inputs: Record<string, unknown>;
  property: string;
  reason: RegExp;
}

export interface CaseKit {
  good: { certificatePem: string; trustChainPem: string };
  cases: BadCase[];
}

/** Build the table for an enrollment id and names (CN first). */
export async function badCertificateCases(enrollmentId: number, names: string[]): Promise<CaseKit> {
  const root = await createRoot();
  const intermediate = await createIntermediate(root);
  const otherRoot = await createRoot("CN=Other Root");
  const otherIntermediate = await createIntermediate(otherRoot, "CN=Other Intermediate");
  // Same name as the real intermediate, different key: names chain, the signature does not.
  const impostor = await createIntermediate(otherRoot, "CN=Test Intermediate");
  const expiredIntermediate = await createIntermediate(root, "CN=Old Intermediate", { from: -400 * DAY, to: -DAY });
  const good = { certificatePem: await issueLeaf(intermediate, { names }), trustChainPem: intermediate.pem };
  const expired = await issueLeaf(intermediate, { names, notBefore: new Date(Date.now() - 200 * DAY), notAfter: new Date(Date.now() - DAY) });
  const rsaLeaf = await issueLeaf(intermediate, { names, publicKey: await rsaPublicKey() });
  const fromExpiredIntermediate = await issueLeaf(expiredIntermediate, { names });
  const base = (certificates: unknown[], extra: Record<string, unknown> = {}) => ({ enrollmentId, certificates, ...extra });
  const ecdsa = (c: Record<string, unknown>) => ({ keyAlgorithm: "ECDSA", ...c });
  const garbled = good.certificatePem.replace(/^(-----BEGIN CERTIFICATE-----\n)(.{20})/, "$1AAAAAAAAAAAAAAAAAAAA");
  const cases: BadCase[] = [
    { name: "garbage instead of PEM", inputs: base([ecdsa({ certificatePem: "hello, I am a certificate" })]), property: "certificates[0].certificatePem", reason: /not a PEM certificate/ },
    { name: "PEM with corrupt DER", inputs: base([ecdsa({ certificatePem: garbled })]), property: "certificates[0].certificatePem", reason: /not a valid X\.509 certificate/ },
    { name: "expired certificate", inputs: base([ecdsa({ certificatePem: expired, trustChainPem: intermediate.pem })]), property: "certificates[0].certificatePem", reason: /expired on/ },
    { name: "chain from another CA", inputs: base([ecdsa({ ...good, trustChainPem: otherIntermediate.pem })]), property: "certificates[0].trustChainPem", reason: /does not chain to the certificate: .*did not issue/ },
    { name: "chain with the right name but the wrong key", inputs: base([ecdsa({ ...good, trustChainPem: impostor.pem })]), property: "certificates[0].trustChainPem", reason: /signature .* does not verify/ },
    { name: "expired intermediate", inputs: base([ecdsa({ certificatePem: fromExpiredIntermediate, trustChainPem: expiredIntermediate.pem })]), property: "certificates[0].trustChainPem", reason: /certificate 1 expired/ },
    { name: "two ECDSA certificates", inputs: base([ecdsa(good), ecdsa(good)]), property: "certificates[1].keyAlgorithm", reason: /already given in certificates\[0\]/ },
    { name: "trust chain without certificate", inputs: base([ecdsa({ trustChainPem: intermediate.pem })]), property: "certificates[0].certificatePem", reason: /required when trustChainPem is given/ },
    { name: "RSA label on an ECDSA certificate", inputs: base([{ keyAlgorithm: "RSA", ...good }]), property: "certificates[0].keyAlgorithm", reason: /is RSA but the certificate carries an ECDSA key/ },
    { name: "ECDSA label on an RSA certificate", inputs: base([ecdsa({ certificatePem: rsaLeaf })]), property: "certificates[0].keyAlgorithm", reason: /carries an RSA key/ },
    { name: "leaf and chain in certificatePem", inputs: base([ecdsa({ certificatePem: good.certificatePem + intermediate.pem })]), property: "certificates[0].certificatePem", reason: /holds 2 certificates/ },
    {
      name: "key that is not the CSR's (csrFingerprints)",
      inputs: base([ecdsa(good)], { csrFingerprints: { ecdsa: "ab".repeat(32) } }),
      property: "certificates[0].certificatePem",
      reason: /does not match the enrollment's current ECDSA CSR/,
    },
    { name: "a SAN the enrollment needs is missing", inputs: base([ecdsa(good)], { expectedSans: [...names, `missing.${names[0]}`] }), property: "certificates[0].certificatePem", reason: /does not cover missing\./ },
    { name: "unknown key algorithm", inputs: base([{ keyAlgorithm: "DSA", ...good }]), property: "certificates[0].keyAlgorithm", reason: /"RSA" or "ECDSA"/ },
    { name: "no certificates", inputs: base([]), property: "certificates", reason: /at least one/ },
    { name: "unknown waitForDeployment", inputs: base([ecdsa(good)], { waitForDeployment: "sometime" }), property: "waitForDeployment", reason: /"none", "staging" or "production"/ },
  ];
  return { good, cases };
}
