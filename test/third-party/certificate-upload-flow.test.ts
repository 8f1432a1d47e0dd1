/**
 * CertificateUpload through the dynamic-provider host against the emulator, with certificates from
 * a local test CA (no ACME): bad inputs cost no API request, a certificate for the wrong key costs
 * no upload, a good upload reaches production, an unchanged program is a no-op, and a CPS renewal
 * is picked up (new CSR → new certificate → uploaded into the renewal change).
 */
import { toPropertyMap } from "../harness";
import { startTestStack, TestStack, enrollmentInputs } from "../integration/fixtures";
import { badCertificateCases } from "./bad-certificates";
import { createIntermediate, createRoot, issueFromCsr, issueLeaf, Issuer } from "./test-ca";

jest.setTimeout(120_000);

const ZONE = "upload.test";
type Csrs = { rsa?: string; ecdsa?: string };

function uploadCount(stack: TestStack): number {
  return stack.emulator.stats().byOperation["post-change-allowed-input-param"] ?? 0;
}

describe("CertificateUpload through the engine path", () => {
  let stack: TestStack;
  let root: Issuer;
  let intermediate: Issuer;
  let enrollmentId: number;

  beforeAll(async () => {
    stack = await startTestStack();
    root = await createRoot();
    intermediate = await createIntermediate(root);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function certificatesFor(csrs: Csrs) {
    return [
      { keyAlgorithm: "RSA", certificatePem: await issueFromCsr(intermediate, csrs.rsa!), trustChainPem: intermediate.pem },
      { keyAlgorithm: "ECDSA", certificatePem: await issueFromCsr(intermediate, csrs.ecdsa!), trustChainPem: intermediate.pem },
    ];
  }

  it("rejects the bad-input table in Check without any API request", async () => {
    const kit = await badCertificateCases(1, [`www.${ZONE}`, ZONE]);
    const before = stack.emulator.stats().requests;
    for (const c of kit.cases) {
      const preview = await stack.driver.preview("CertificateUpload", "bad", toPropertyMap(c.inputs));
      const hit = preview.failures.find((f) => f.property === c.property);
      if (!hit || !c.reason.test(hit.reason)) throw new Error(`${c.name}: expected ${c.property} ~ ${c.reason}, got ${JSON.stringify(preview.failures)}`);
    }
    expect(stack.emulator.stats().requests).toBe(before);
  });

  it("outputs RSA and ECDSA CSRs for a dual-stack third-party enrollment", async () => {
    const created = await stack.driver.up("Enrollment", "tp", enrollmentInputs(ZONE, { validationType: "third-party", dualStack: true, changeManagement: false }));
    if (created.op === "failed") throw new Error(created.message);
    const out = stack.driver.outputs("tp");
    enrollmentId = out.enrollmentId as number;
    const csrs = out.csrs as Csrs;
    expect(csrs.rsa).toContain("BEGIN CERTIFICATE REQUEST");
    expect(csrs.ecdsa).toContain("BEGIN CERTIFICATE REQUEST");
    expect(Object.keys(out.csrFingerprints as object).sort()).toEqual(["ecdsa", "rsa"]);
  });

  it("refuses a certificate for another key before uploading anything", async () => {
    const names = [`www.${ZONE}`, ZONE, `api.${ZONE}`];
    const stranger = await issueLeaf(intermediate, { names });
    const uploadsBefore = uploadCount(stack);
    const result = await stack.driver.up("CertificateUpload", "upload", { enrollmentId, certificates: [{ keyAlgorithm: "ECDSA", certificatePem: stranger, trustChainPem: intermediate.pem }], timeout: "1m" });
    expect(result.op).toBe("failed");
    if (result.op !== "failed") return;
    expect(result.message).toMatch(/certificates\[0\]\.certificatePem: its public key does not match the change's current ECDSA CSR/);
    expect(uploadCount(stack)).toBe(uploadsBefore);
  });

  it("uploads both certificates, follows the change to production, and is a no-op when run again", async () => {
    const out = stack.driver.outputs("tp");
    const inputs = { enrollmentId, certificates: await certificatesFor(out.csrs as Csrs), csrFingerprints: out.csrFingerprints, expectedSans: out.domains, timeout: "1m" };
    const result = await stack.driver.up("CertificateUpload", "upload", toPropertyMap(inputs));
    if (result.op === "failed") throw new Error(result.message);
    const up = stack.driver.outputs("upload");
    expect(up.status).toBe("complete");
    expect(up.changeStatus).toBe("complete"); // the deprecated name, kept for one release
    const production = up.production as { matchesInputs: boolean; certificates: Array<{ keyAlgorithm: string }> };
    expect(production.matchesInputs).toBe(true);
    expect(production.certificates.map((c) => c.keyAlgorithm).sort()).toEqual(["ECDSA", "RSA"]);

    const uploadsBefore = uploadCount(stack);
    const again = await stack.driver.up("CertificateUpload", "upload", toPropertyMap(inputs));
    expect(again.op).toBe("same");
    expect(uploadCount(stack)).toBe(uploadsBefore);
  });

  it("explains that a different certificate needs a change when nothing is pending", async () => {
    const out = stack.driver.outputs("tp");
    const certificates = await certificatesFor(out.csrs as Csrs); // same keys, new serials: not what is live
    const result = await stack.driver.up("CertificateUpload", "upload-other", { enrollmentId, certificates, timeout: "1m" });
    expect(result.op).toBe("failed");
    if (result.op === "failed") expect(result.message).toMatch(/has no pending change.*renewal.*\[NoChangeForUpload, see docs\/troubleshooting\.md#third-party-upload-refused\]/s);
  });

  it("picks up a CPS renewal: preview shows it, the new CSR is issued and uploaded into the renewal change", async () => {
    const oldFingerprints = stack.driver.outputs("tp").csrFingerprints as Csrs;
    await stack.admin("POST", "/clock/advance", { days: 125 }); // third-party renewals open 60 days before expiry: day 120 of these 180-day certificates
    const uploadInputs = () => toPropertyMap({ enrollmentId, certificates: stack.driver.states.get("upload")!.inputs.certificates, timeout: "1m" });
    // Wait (with a deadline) until the emulator has opened the renewal and preview notices it.
    const deadline = Date.now() + 20_000;
    let preview = await stack.driver.preview("CertificateUpload", "upload", uploadInputs());
    while (preview.changes === "none" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      preview = await stack.driver.preview("CertificateUpload", "upload", uploadInputs());
    }
    expect(preview.changes).toBe("some");

    const renewed = await stack.driver.up("Enrollment", "tp", enrollmentInputs(ZONE, { validationType: "third-party", dualStack: true, changeManagement: false }));
    if (renewed.op === "failed") throw new Error(renewed.message);
    const out = stack.driver.outputs("tp");
    expect((out.csrFingerprints as Csrs).rsa).not.toBe(oldFingerprints.rsa);
    expect((out.csrFingerprints as Csrs).ecdsa).not.toBe(oldFingerprints.ecdsa);

    const result = await stack.driver.up("CertificateUpload", "upload", toPropertyMap({ enrollmentId, certificates: await certificatesFor(out.csrs as Csrs), csrFingerprints: out.csrFingerprints, timeout: "1m" }));
    if (result.op === "failed") throw new Error(result.message);
    const up = stack.driver.outputs("upload");
    expect((up.production as { matchesInputs: boolean }).matchesInputs).toBe(true);
    expect((up.uploaded as Array<{ publicKeyFingerprint: string }>).map((u) => u.publicKeyFingerprint).sort()).toEqual(
      [(out.csrFingerprints as Csrs).rsa, (out.csrFingerprints as Csrs).ecdsa].sort(),
    );
  });
});
