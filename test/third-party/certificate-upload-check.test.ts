/**
 * CertificateUpload's check, in process: every bad certificate is rejected with the property and
 * the reason, and good or not-yet-known (preview) certificates pass.
 */
import { certificateUploadProvider } from "../../provider/resources/certificate-upload";
import { UNKNOWN } from "../../provider/resources/unknowns";
import { badCertificateCases, CaseKit } from "./bad-certificates";

const NAMES = ["www.example.test", "example.test"];
let kit: CaseKit;

beforeAll(async () => {
  kit = await badCertificateCases(42, NAMES);
});

describe("CertificateUpload check", () => {
  it("accepts a certificate with its chain, and the same with expected names and matching algorithm", async () => {
    const result = await certificateUploadProvider.check({}, { enrollmentId: 42, certificates: [{ keyAlgorithm: "ECDSA", ...kit.good }], expectedSans: NAMES });
    expect(result.failures).toEqual([]);
  });

  it("tolerates certificates that are not known yet (preview)", async () => {
    const result = await certificateUploadProvider.check({}, { enrollmentId: 42, certificates: [{ keyAlgorithm: "RSA", certificatePem: UNKNOWN, trustChainPem: UNKNOWN }], csrFingerprints: UNKNOWN });
    expect(result.failures).toEqual([]);
  });

  it("rejects each bad input naming the property and the reason", async () => {
    for (const c of kit.cases) {
      const { failures } = await certificateUploadProvider.check({}, c.inputs);
      const hit = (failures ?? []).find((f) => f.property === c.property);
      if (!hit || !c.reason.test(hit.reason)) throw new Error(`${c.name}: expected ${c.property} ~ ${c.reason}, got ${JSON.stringify(failures)}`);
    }
  });
});
