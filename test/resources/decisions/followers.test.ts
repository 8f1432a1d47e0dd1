/**
 * Decisions of the resources that follow an enrollment (DvValidation, Deployment, CertificateUpload)
 * and of the Edge DNS records, against the in-memory CPS: what preview plans, what a read of a
 * deleted enrollment reports, and the delete that refuses while a certificate is live.
 */
import "reflect-metadata";
import { webcrypto } from "crypto";
import * as x509 from "@peculiar/x509";
import { defineResource } from "../../../provider/resources/define-resource";
import { deploymentProvider } from "../../../provider/resources/deployment";
import { dvValidationProvider } from "../../../provider/resources/dv-validation";
import { certificateUploadProvider } from "../../../provider/resources/certificate-upload";
import { edgeDnsTxtRecordProvider } from "../../../provider/resources/edge-dns-txt-record";
import { edgeDnsCnameRecordProvider } from "../../../provider/resources/edge-dns-cname-record";
import { UNKNOWN } from "../../../provider/resources/unknowns";
import { enrollmentInputsSchema } from "../../../provider/resources/enrollment-inputs";
import { enrollmentRequest } from "../../../provider/resources/enrollment-spec";
import { FakeCps, fakeContext } from "../../support/fake-cps";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
/** An enrollment body as the provider sends it. */
const request = enrollmentRequest(
  enrollmentInputsSchema.parse({ contractId: "K-1", commonName: "www.example.com", adminContact: contact, techContact: contact, organization: { name: "Example Inc.", country: "US" } }),
);

function setup() {
  const cps = new FakeCps();
  const ctx = fakeContext(cps);
  return {
    cps,
    ctx,
    dv: defineResource(dvValidationProvider.definition, () => ctx),
    deployment: defineResource(deploymentProvider.definition, () => ctx),
    upload: defineResource(certificateUploadProvider.definition, () => ctx),
    txt: defineResource(edgeDnsTxtRecordProvider.definition, () => ctx),
    cname: defineResource(edgeDnsCnameRecordProvider.definition, () => ctx),
  };
}

let certificatePem: string;
beforeAll(async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=www.example.com",
    keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 90 * 86_400_000),
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "www.example.com" }])],
  });
  certificatePem = cert.toString("pem");
});

describe("follower diffs (DvValidation, Deployment)", () => {
  it.each([
    ["DvValidation", "dv"],
    ["Deployment", "deployment"],
  ] as const)("%s plans nothing while the change it handled is the latest, and an update once CPS opens a new one", async (_label, which) => {
    const s = setup();
    const provider = s[which];
    const { enrollmentId, changeId } = s.cps.addEnrollment("K-1", request, { change: { status: "wait-deploy", changeType: "new-certificate" } });
    const state = { enrollmentId, changeId };
    expect(await provider.diff(String(enrollmentId), state, { enrollmentId })).toEqual({ changes: false, replaces: [] });
    s.cps.openChange(enrollmentId, { status: "coodinate-domain-validation", changeType: "renewal" });
    expect(await provider.diff(String(enrollmentId), state, { enrollmentId })).toEqual({ changes: true, replaces: [] });
  });

  it("a different enrollment replaces the follower; an unknown one (the enrollment being updated) does not", async () => {
    const s = setup();
    const { enrollmentId } = s.cps.addEnrollment("K-1", request);
    expect(await s.dv.diff(String(enrollmentId), { enrollmentId, changeId: null }, { enrollmentId: enrollmentId + 1 })).toEqual({ changes: true, replaces: ["enrollmentId"] });
    expect(await s.deployment.diff(`${enrollmentId}:production`, { enrollmentId, changeId: null }, { enrollmentId: UNKNOWN })).toEqual({ changes: true, replaces: [] });
  });

  it("compares inputs only when CPS cannot be asked (preview offline)", async () => {
    const s = setup();
    // Enrollment 999 is unknown to CPS: the read fails, the diff falls back to the inputs.
    expect(await s.dv.diff("999", { enrollmentId: 999, changeId: 1, timeout: "60m" }, { enrollmentId: 999, timeout: "60m" })).toEqual({ changes: false, replaces: [] });
    expect(await s.dv.diff("999", { enrollmentId: 999, changeId: 1, timeout: "60m" }, { enrollmentId: 999, timeout: "90m" })).toEqual({ changes: true, replaces: [] });
  });
});

describe("CertificateUpload diff", () => {
  it("plans an update when a new change (a renewal) waits for a third-party certificate", async () => {
    const s = setup();
    const { enrollmentId, changeId } = s.cps.addEnrollment("K-1", request, { change: { status: "wait-upload-third-party", changeType: "renewal", inputs: ["third-party-certificate"] } });
    const certificates = [{ keyAlgorithm: "ECDSA", certificatePem }];
    expect(await s.upload.diff(String(enrollmentId), { enrollmentId, certificates, changeId }, { enrollmentId, certificates })).toMatchObject({ changes: false });
    expect(await s.upload.diff(String(enrollmentId), { enrollmentId, certificates, changeId: changeId! - 1 }, { enrollmentId, certificates })).toMatchObject({ changes: true, replaces: [] });
    expect(s.ctx.lines.join("\n")).toContain(`CPS change ${changeId} (renewal) waits for a third-party certificate`);
  });
});

describe("reads of a deleted enrollment, and the Deployment's delete refusal", () => {
  it.each([
    ["Deployment", "deployment"],
    ["CertificateUpload", "upload"],
  ] as const)("%s reads as gone once its enrollment is deleted outside Pulumi", async (_label, which) => {
    const s = setup();
    const { enrollmentId } = s.cps.addEnrollment("K-1", request);
    s.cps.deleteEnrollment(enrollmentId);
    expect(await s[which].read(`${enrollmentId}:production`, { enrollmentId })).toEqual({ id: "", props: {} });
  });

  it("DvValidation keeps its state on read when the enrollment is gone (nothing to forget in CPS)", async () => {
    const s = setup();
    expect(await s.dv.read("999", { enrollmentId: 999, changeId: 5, status: "complete" })).toEqual({ id: "999", props: { enrollmentId: 999, changeId: 5, status: "complete" } });
  });

  it("a Deployment refuses to be deleted while its certificate is live on production, unless allowed", async () => {
    const s = setup();
    const { enrollmentId } = s.cps.addEnrollment("K-1", request);
    await expect(s.deployment.delete(`${enrollmentId}:production`, { enrollmentId })).resolves.toBeUndefined();
    s.cps.deploy(enrollmentId, "production", certificatePem);
    await expect(s.deployment.delete(`${enrollmentId}:production`, { enrollmentId })).rejects.toThrow(new RegExp(`Enrollment ${enrollmentId} has a certificate live on the production network, so its Deployment refuses`));
    await expect(s.deployment.delete(`${enrollmentId}:production`, { enrollmentId, allowDeleteWhileDeployed: true })).resolves.toBeUndefined();
  });
});

describe("Edge DNS records", () => {
  it("a new name replaces the TXT record, deleting first; other values update it in place", async () => {
    const s = setup();
    const olds = { zone: "example.com", name: "_acme-challenge.www.example.com", values: ["a", "b"], ttl: 60 };
    expect(await s.txt.diff("example.com/_acme-challenge.www.example.com/TXT", olds, { ...olds })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    expect(await s.txt.diff("x", olds, { ...olds, values: ["b", "a"] })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await s.txt.diff("x", olds, { ...olds, name: "_acme-challenge.shop.example.com" })).toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: true });
  });

  it("a record deleted outside Pulumi reads as gone", async () => {
    const s = setup();
    expect(await s.cname.read("example.com/www.example.com/CNAME", { zone: "example.com", name: "www.example.com", target: "www.example.com.edgekey.net", ttl: 300 })).toEqual({ id: "", props: {} });
  });
});
