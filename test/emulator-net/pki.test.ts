import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { createKeyFactory } from "../../emulator/pki/key-factory";
import { createCertificateHierarchy } from "../../emulator/pki/builtin-pki";
import { compareCertificateWithCsr } from "../../emulator/pki/compare";
import { formatWarnings } from "../../emulator/pki/warning-catalogue";
import { verifyChain } from "../../emulator/pki/chain";
import { parseCsr, dnsSans, subjectField } from "../../emulator/pki/parse";
import { createClock } from "../../emulator/clock";

const DAY = 24 * 60 * 60 * 1000;
const subject = { c: "US", st: "MA", l: "Cambridge", o: "Example Corp", ou: "Web" };

describe("key factory", () => {
  const factory = createKeyFactory();

  it.each(["RSA", "ECDSA"] as const)("makes a %s key and a verifying CSR with CPS's subject and SANs", async (keyAlgorithm) => {
    const made = await factory.generate({ commonName: "www.example.com", sans: ["www.example.com", "example.com"], subject, keyAlgorithm });
    const csr = parseCsr(made.csrPem);
    expect(await csr.verify()).toBe(true);
    expect(subjectField(csr, "CN")).toBe("www.example.com");
    expect(["C", "ST", "L", "O", "OU"].map((field) => subjectField(csr, field))).toEqual(["US", "MA", "Cambridge", "Example Corp", "Web"]);
    expect(dnsSans(csr)).toEqual(["www.example.com", "example.com"]);
    expect(csr.signatureAlgorithm.hash.name).toBe("SHA-256");
    // The private key belongs to the CSR's public key.
    const fromKey = createPublicKey(createPrivateKey(made.privateKeyPem)).export({ type: "spki", format: "der" });
    expect(Buffer.from(fromKey).equals(Buffer.from(csr.publicKey.rawData))).toBe(true);
    expect(createPrivateKey(made.privateKeyPem).asymmetricKeyType).toBe(keyAlgorithm === "RSA" ? "rsa" : "ec");
    expect(made.publicKeyFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs with SHA-1 when asked and leaves SANs out when excluded", async () => {
    const made = await factory.generate({ commonName: "legacy.example.com", sans: [], subject: {}, keyAlgorithm: "ECDSA", signatureAlgorithm: "SHA-1" });
    const csr = parseCsr(made.csrPem);
    expect(await csr.verify()).toBe(true);
    expect(csr.signatureAlgorithm.hash.name).toBe("SHA-1");
    expect(dnsSans(csr)).toEqual([]);
    expect(csr.subject).toBe("CN=legacy.example.com");
  });
});

describe("builtin certificate hierarchy and certificate-vs-CSR checks", () => {
  const factory = createKeyFactory();
  const clock = createClock();

  it("issues a leaf that chains to the root with the CSR's CN and SANs", async () => {
    const pki = await createCertificateHierarchy();
    const made = await factory.generate({ commonName: "shop.example.com", sans: ["shop.example.com", "cdn.example.com"], subject, keyAlgorithm: "RSA" });
    const issued = await pki.issueLeaf(made.csrPem, { notBefore: clock.now(), notAfter: new Date(clock.now().getTime() + 90 * DAY) });
    const leaf = new X509Certificate(issued.certificatePem);
    expect(leaf.subject).toBe("CN=shop.example.com");
    expect(leaf.subjectAltName).toBe("DNS:shop.example.com, DNS:cdn.example.com");
    expect(leaf.checkPrivateKey(createPrivateKey(made.privateKeyPem))).toBe(true);
    expect(leaf.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    expect(issued.serialHex).toBe(leaf.serialNumber.toLowerCase());
    expect(verifyChain(issued.certificatePem, issued.trustChainPem, pki.rootPem, { at: clock.now() })).toMatchObject({ ok: true });
    expect(verifyChain(issued.certificatePem, "", pki.rootPem)).toMatchObject({ ok: false, reason: expect.stringContaining("no trusted issuer") });
    const other = await createCertificateHierarchy({ label: "Other" });
    expect(verifyChain(issued.certificatePem, issued.trustChainPem, other.rootPem)).toMatchObject({ ok: false });
    // A DV-style leaf carries only the CN: the CSR's other subject fields are reported as missing.
    const warnings = await compareCertificateWithCsr(issued.certificatePem, issued.trustChainPem, made.csrPem, { now: clock.now(), trustedRootsPem: pki.rootPem });
    expect(warnings.map((entry) => entry.code).sort()).toEqual(["C", "L", "O", "OU", "ST"].map((field) => `CSR_VS_CERTIFICATE_${field}_FIELD_MISSING_IN_CERTIFICATE`).sort());
  });

  it("flags a wrong key, a missing SAN, expiry and an untrusted chain with Terraform-matchable texts", async () => {
    const pki = await createCertificateHierarchy();
    const cpsCsr = await factory.generate({ commonName: "a.example.com", sans: ["a.example.com", "b.example.com"], subject: {}, keyAlgorithm: "ECDSA" });
    const otherKeyCsr = await factory.generate({ commonName: "a.example.com", sans: ["a.example.com"], subject: {}, keyAlgorithm: "ECDSA" });
    const issued = await pki.issueLeaf(otherKeyCsr.csrPem, { notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) });
    const other = await createCertificateHierarchy({ label: "Unknown" });
    const warnings = await compareCertificateWithCsr(issued.certificatePem, issued.trustChainPem, cpsCsr.csrPem, { now: clock.now(), trustedRootsPem: other.rootPem });
    const codes = warnings.map((entry) => entry.code);
    expect(codes).toEqual(
      expect.arrayContaining(["CSR_VS_CERTIFICATE_KEY_MISMATCH", "CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE", "CERTIFICATE_EXPIRED", "TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED"]),
    );
    expect(warnings.find((entry) => entry.code === "CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE")?.message).toBe("SAN name [b.example.com] is missing from the certificate.");
    const text = formatWarnings(warnings);
    expect(text.split("\n")[0]).toBe("[WARNINGS]");
    expect(text).toContain("'RSA' certificate was not generated from the CSR that Akamai generated.");
    expect(text).toContain("This certificate has already expired.");
    // the trust-chain warning carries its dump (several lines), as in Akamai's post-verification example
    expect(text).toMatch(/The trust chain terminates with a non-standard root certificate\.\nTrust Chain\nCertificate: Subject: /);
  });

  it("accepts a matching certificate without warnings", async () => {
    const pki = await createCertificateHierarchy();
    const made = await factory.generate({ commonName: "ok.example.com", sans: ["ok.example.com"], subject: {}, keyAlgorithm: "ECDSA" });
    const issued = await pki.issueLeaf(made.csrPem, { notBefore: clock.now(), notAfter: new Date(clock.now().getTime() + 90 * DAY) });
    expect(await compareCertificateWithCsr(issued.certificatePem, issued.trustChainPem, made.csrPem, { now: clock.now(), trustedRootsPem: pki.rootPem })).toEqual([]);
    // Advancing the emulator clock past notAfter makes the same upload expired.
    clock.advance(91 * DAY);
    expect((await compareCertificateWithCsr(issued.certificatePem, issued.trustChainPem, made.csrPem, { now: clock.now(), trustedRootsPem: pki.rootPem })).map((entry) => entry.code)).toContain("CERTIFICATE_EXPIRED");
  });
});
