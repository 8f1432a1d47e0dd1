import { x509 } from "../../emulator/x509-setup";
import { webcrypto, X509Certificate } from "crypto";
import { DEVIATIONS } from "./contract";
import { dvEnrollment, lastId, startHarness, T, type Harness } from "./harness";
import { waitFor } from "./signer";

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side reading of validated JSON

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

async function create(body: unknown, query = "contractId=K-1", version = 12): Promise<{ enrollmentId: number; changeId: number }> {
  const r = await h.client.request("POST", `/cps/v2/enrollments?${query}`, { accept: T("enrollment-status", 1), contentType: `${T("enrollment", version)}; charset=utf-8`, body });
  expect(r.status).toBe(202);
  const b = r.body as J;
  return { enrollmentId: lastId(b.enrollment), changeId: lastId(b.changes[0]) };
}

const changeUrl = (e: number, c: number): string => `/cps/v2/enrollments/${e}/changes/${c}`;

async function changeStatus(e: number, c: number): Promise<J> {
  const r = await h.client.request("GET", changeUrl(e, c), { accept: T("change", 2) });
  expect(r.status).toBe(200);
  expect(r.contentType).toBe(T("change", 2));
  return r.body as J;
}

async function waitStatus(e: number, c: number, status: string): Promise<J> {
  return waitFor(`change ${c} to reach ${status}`, async () => {
    const s = await changeStatus(e, c);
    if (s.statusInfo.state === "error") throw new Error(JSON.stringify(s.statusInfo.error));
    return s.statusInfo.status === status ? s : undefined;
  });
}

async function ack(url: string, type = T("acknowledgement", 1), body: unknown = { acknowledgement: "acknowledge" }) {
  return h.client.request("POST", url, { accept: T("change-id", 1), contentType: type, body });
}

describe("DV (Let's Encrypt) flow", () => {
  it("runs from create through challenges, change management and production, and fills the histories", async () => {
    expect((await h.admin("POST", "/dns/zones", { zone: "dv.example" })).status).toBe(201);
    const { enrollmentId: e, changeId: c } = await create(dvEnrollment("www.dv.example", ["api.dv.example"], { changeManagement: true }));
    const coordinating = await waitStatus(e, c, "coodinate-domain-validation");
    expect(coordinating.allowedInput).toEqual([expect.objectContaining({ type: "lets-encrypt-challenges", requiredToProceed: false })]);

    const challenges = await h.client.request("GET", coordinating.allowedInput[0].info, { accept: T("dv-challenges", 2) });
    const dv = (challenges.body as J).dv as J[];
    expect(dv.map((d) => d.domain).sort()).toEqual(["api.dv.example", "www.dv.example"]);
    const dns = dv[0].challenges.find((x: J) => x.type === "dns-01");
    expect(dns.fullPath).toBe(`_acme-challenge.${dv[0].domain}.`);

    // one domain ready, the user says "done": CPS checks at once and keeps waiting for the other
    expect((await h.admin("POST", `/domains/${dv[0].domain}/validate`, {})).status).toBe(200);
    expect((await ack(coordinating.allowedInput[0].update)).status).toBe(200);
    const partial = ((await h.client.request("GET", coordinating.allowedInput[0].info, { accept: T("dv-challenges", 2) })).body as J).dv as J[];
    expect(partial.find((d) => d.domain === dv[0].domain)?.validationStatus).toBe("VALIDATED");
    // the other domain is checked for real: nothing is published in the emulator's DNS yet
    expect(partial.find((d) => d.domain === dv[1].domain)).toMatchObject({ validationStatus: "DATA_NOT_READY", error: expect.stringContaining("NXDOMAIN") });
    expect((await h.admin("POST", `/domains/${dv[1].domain}/validate`, {})).status).toBe(200);

    const cm = await waitStatus(e, c, "wait-ack-change-management");
    const info6 = (await h.client.request("GET", cm.allowedInput[0].info, { accept: T("change-management-info", 6) })).body as J;
    const info5 = (await h.client.request("GET", cm.allowedInput[0].info, { accept: T("change-management-info", 5) })).body as J;
    expect(info5.pendingState.pendingNetworkConfiguration.sniOnly).toBe("true");
    expect(info6.pendingState.pendingNetworkConfiguration.sniOnly).toBe(true);
    const staged = await h.client.request("GET", cm.allowedInput[0].info, { accept: T("deployment", 8) });
    expect(staged.status).toBe(200);
    expect((await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments/production`, { accept: T("deployment", 8) })).status).toBe(404);

    const wrong = await ack(cm.allowedInput[0].update, T("acknowledgement-with-hash", 1), { acknowledgement: "acknowledge", hash: "0".repeat(32) });
    expect(wrong.status).toBe(409);
    const right = await ack(cm.allowedInput[0].update, T("acknowledgement-with-hash", 1), { acknowledgement: "acknowledge", hash: info6.validationResultHash });
    expect(right.status).toBe(200);
    await waitStatus(e, c, "complete");

    const enrollment = (await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 12) })).body as J;
    expect(enrollment.pendingChanges).toEqual([]);
    expect(enrollment.autoRenewalStartTime).toEqual(expect.any(String));
    expect(enrollment.productionSlots.length).toBe(1);
    for (const v of [7, 8]) {
      const d = await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments`, { accept: T("deployments", v) });
      expect((d.body as J).production.primaryCertificate.certificate).toContain("BEGIN CERTIFICATE");
      expect(d.contentType).toBe(T("deployments", v));
    }
    const certs = (await h.client.request("GET", `/cps/v2/enrollments/${e}/history/certificates`, { accept: T("certificate-history", 2) })).body as J;
    expect(certs.certificates[0].deploymentStatus).toBe("active");
    const changes = (await h.client.request("GET", `/cps/v2/enrollments/${e}/history/changes`, { accept: T("change-history", 5) })).body as J;
    expect(changes.changes[0]).toMatchObject({ action: "new-certificate", status: "completed" });
    const dvHistory = (await h.client.request("GET", `/cps/v2/enrollments/${e}/dv-history`, { accept: T("dv-history", 1) })).body as J;
    expect(dvHistory.results).toHaveLength(2);
    const active = (await h.client.request("GET", `/cps/v2/active-certificates?contractId=K-1`, { accept: T("active-certificates", 2) })).body as J;
    expect(active.enrollments.map((x: J) => x.id)).toContain(e);

    // a SAN added later is a modify-san change (202); a contact edit is not a change (200)
    const added = dvEnrollment("www.dv.example", ["api.dv.example", "new.dv.example"], { changeManagement: true });
    const put = await h.client.request("PUT", `/cps/v2/enrollments/${e}?allow-cancel-pending-changes=true`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 11), body: added });
    expect(put.status).toBe(202);
    const modify = lastId((put.body as J).changes[0]);
    const after = (await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 11) })).body as J;
    expect(after.pendingChanges).toEqual([{ location: changeUrl(e, modify), changeType: "modify-san" }]);
    // cancelling it leaves a cancelled entry in the history
    expect((await h.client.request("DELETE", changeUrl(e, modify), { accept: T("change-id", 1) })).status).toBe(200);
    const history = (await h.client.request("GET", `/cps/v2/enrollments/${e}/history/changes`, { accept: T("change-history", 5) })).body as J;
    expect(history.changes[0]).toMatchObject({ action: "modify-san", status: "cancelled" });
    const contactOnly = dvEnrollment("www.dv.example", ["api.dv.example", "new.dv.example"], { changeManagement: true, adminContact: { ...(dvEnrollment("x").adminContact as J), firstName: "Grace" } });
    const put200 = await h.client.request("PUT", `/cps/v2/enrollments/${e}`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body: contactOnly });
    expect(put200.status).toBe(200);
  });

  it("raises a pre-verification warning (Akamai's template, filled with the name) for a SAN already on another enrollment", async () => {
    const { enrollmentId: e1, changeId: c1 } = await create(dvEnrollment("shop.overlap.example"));
    await waitStatus(e1, c1, "coodinate-domain-validation");
    const { enrollmentId: e, changeId: c } = await create(dvEnrollment("www.overlap.example", ["shop.overlap.example"]));
    const s = await waitStatus(e, c, "wait-review-pre-verification-safety-checks");
    const w = await h.client.request("GET", s.allowedInput[0].info, { accept: T("warnings", 1) });
    expect((w.body as J).warnings).toBe("Name [shop.overlap.example] is overlapping DNS name of one or more enrollments.");
    expect((await ack(s.allowedInput[0].update)).status).toBe(200);
    await waitStatus(e, c, "coodinate-domain-validation");
    // deny cancels the change
    const denied = await changeStatus(e1, c1);
    expect((await ack(denied.allowedInput[0].update, T("acknowledgement", 1), { acknowledgement: "deny" })).status).toBe(200);
    expect((await changeStatus(e1, c1)).statusInfo.state).toBe("cancelled");
  });

  it("honours deploy-not-before on the emulator clock", async () => {
    const notBefore = new Date(h.emulator.clock.now().getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const { enrollmentId: e, changeId: c } = await create(dvEnrollment("later.example"), `contractId=K-2&deploy-not-before=${notBefore}`);
    await waitStatus(e, c, "coodinate-domain-validation");
    await h.admin("POST", "/domains/later.example/validate", {});
    const waiting = await waitFor("scheduled wait", async () => {
      const s = await changeStatus(e, c);
      return s.statusInfo.status === "deploy-cert-to-production" && s.statusInfo.state === "new" ? s : undefined;
    });
    expect(waiting.statusInfo.deploymentSchedule.notBefore).toBe(`${notBefore}T00:00:00Z`);
    await h.admin("POST", "/clock/advance", { days: 4 });
    await waitStatus(e, c, "complete");
  });
});

describe("third-party flow", () => {
  it("hands out one CSR per key algorithm, accepts matching certificates and deploys them", async () => {
    const body = dvEnrollment("tp.example", ["www.tp.example"], { ra: "third-party", validationType: "third-party", certificateType: "third-party", enableMultiStackedCertificates: true, thirdParty: { excludeSans: false } });
    const { enrollmentId: e, changeId: c } = await create(body, "contractId=K-3");
    const s = await waitStatus(e, c, "wait-upload-third-party");
    const csrs = ((await h.client.request("GET", s.allowedInput[0].info, { accept: T("csr", 2) })).body as J).csrs as J[];
    expect(csrs.map((x) => x.keyAlgorithm).sort()).toEqual(["ECDSA", "RSA"]);

    const caKeys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const now = h.emulator.clock.now().getTime();
    const signed = await Promise.all(
      csrs.map(async (x) => {
        const csr = new x509.Pkcs10CertificateRequest(x.csr);
        const cert = await x509.X509CertificateGenerator.create({
          subject: csr.subject,
          issuer: "CN=Test third-party CA",
          publicKey: csr.publicKey,
          signingKey: caKeys.privateKey,
          signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
          notBefore: new Date(now - 60_000),
          notAfter: new Date(now + 90 * 86_400_000),
          extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "tp.example" }, { type: "dns", value: "www.tp.example" }])],
        });
        return { keyAlgorithm: x.keyAlgorithm, certificate: cert.toString("pem") };
      }),
    );
    const upload = await ack(s.allowedInput[0].update, T("certificate-and-trust-chain", 2), { certificatesAndTrustChains: signed });
    expect(upload.status).toBe(200);
    await waitStatus(e, c, "complete");
    const prod = (await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments/production`, { accept: T("deployment", 7) })).body as J;
    expect(prod.multiStackedCertificates).toHaveLength(1);
  });

  it("turns a certificate that does not match the CSR into post-verification warnings", async () => {
    const body = dvEnrollment("tp2.example", [], { ra: "third-party", validationType: "third-party", certificateType: "third-party", thirdParty: { excludeSans: false } });
    const { enrollmentId: e, changeId: c } = await create(body, "contractId=K-3");
    const s = await waitStatus(e, c, "wait-upload-third-party");
    const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned({ name: "CN=other.example", keys, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } });
    await ack(s.allowedInput[0].update, T("certificate-and-trust-chain", 1), { certificate: selfSigned.toString("pem"), trustChain: null });
    const review = await waitStatus(e, c, "wait-review-third-party-cert");
    const text = ((await h.client.request("GET", review.allowedInput[0].info, { accept: T("warnings", 1) })).body as J).warnings as string;
    expect(text.split("\n")).toEqual(
      expect.arrayContaining(["'RSA' certificate was not generated from the CSR that Akamai generated.", "The Common Name (CN) on 'RSA' certificate [other.example] does not match the CSR [tp2.example]."]),
    );
    expect((await ack(review.allowedInput[0].update)).status).toBe(200);
    await waitStatus(e, c, "complete");
  });
});

describe("OV flow", () => {
  it("issues without customer input and deploys", async () => {
    const org = { name: "Ov Corp", addressLineOne: "1 Main St", addressLineTwo: null, city: "Springfield", region: "IL", postalCode: "62701", country: "US", phone: "217-555-0100" };
    const { enrollmentId: e, changeId: c } = await create(dvEnrollment("ov.example", [], { ra: "symantec", validationType: "ov", org }), "contractId=K-4");
    await waitStatus(e, c, "complete");
    const staging = await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments/staging`, { accept: T("deployment", 8) });
    expect(staging.status).toBe(200);
    // An OV certificate names the validated organization (from the enrollment's org), not only the CN.
    const pem = ((staging.body as J).primaryCertificate as J).certificate as string;
    expect(new X509Certificate(pem).subject.split("\n").sort()).toEqual(["C=US", "CN=ov.example", "L=Springfield", "O=Ov Corp", "ST=IL"]);
    // a deployed enrollment is deleted asynchronously (202), then 404
    const del = await h.client.request("DELETE", `/cps/v2/enrollments/${e}`, { accept: T("enrollment-status", 1) });
    expect(del.status).toBe(202);
    await waitFor("enrollment gone", async () => ((await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 12) })).status === 404 ? true : undefined));
  });
});

afterAll(() => {
  // every response above went through validateResponse; make the listed deviations visible in the output
  expect(DEVIATIONS.length).toBe(6);
  expect(h.client.validated).toBeGreaterThan(40);
});
