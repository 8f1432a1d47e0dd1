import { FakeCpsServer, type RecordedRequest } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";
import { example } from "./support/examples";
import type { AllowedInput, CpsClient } from "../../provider/cps";
import { dvEnrollment } from "./support/fixtures";

const CPS = "application/vnd.akamai.cps";


const input = (type: string, info: string, update: string): AllowedInput => ({
  type,
  requiredToProceed: true,
  info: `/cps/v2/enrollments/10/changes/20/input/info/${info}`,
  update: `/cps/v2/enrollments/10/changes/20/input/update/${update}`,
});

describe("CPS client operations on the wire", () => {
  let server: FakeCpsServer;
  let client: CpsClient;

  beforeAll(async () => {
    server = await FakeCpsServer.start();
    client = testClient(server).client;
  });
  afterAll(async () => {
    client.close();
    await server.stop();
  });

  /** Run one call against a canned reply; return the single request the server saw. */
  async function exchange<T>(reply: { status?: number; body?: unknown; headers?: Record<string, string> }, call: () => Promise<T>): Promise<{ result: T; request: RecordedRequest }> {
    server.reset(() => reply);
    const result = await call();
    expect(server.signatureFailures).toEqual([]);
    expect(server.requests).toHaveLength(1);
    return { result, request: server.requests[0]! };
  }

  it("1 listEnrollments: GET /cps/v2/enrollments?contractId, enrollments.v12", async () => {
    const { result, request } = await exchange({ body: example("newer/enrollments.v12.json") }, () => client.listEnrollments("K-0N7RAK71"));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments?contractId=K-0N7RAK71");
    expect(request.headers.accept).toBe(`${CPS}.enrollments.v12+json`);
    expect(request.headers["content-type"]).toBeUndefined();
    expect(result[0]!.id).toBe(10001);
  });

  it("2 createEnrollment: POST with query flags, enrollment.v12 body, enrollment-status.v1", async () => {
    const { result, request } = await exchange({ status: 202, body: example("enrollment-status.v1.json") }, () =>
      client.createEnrollment({ contractId: "K-0N7RAK71", enrollment: dvEnrollment, allowDuplicateCn: true, deployNotAfter: "2030-01-31" }),
    );
    expect(`${request.method} ${request.target}`).toBe("POST /cps/v2/enrollments?contractId=K-0N7RAK71&deploy-not-after=2030-01-31&allow-duplicate-cn=true");
    expect(request.headers["content-type"]).toBe(`${CPS}.enrollment.v12+json`);
    expect(request.headers.accept).toBe(`${CPS}.enrollment-status.v1+json`);
    expect(request.json).toMatchObject({
      ra: "lets-encrypt",
      enableMultiStackedCertificates: false,
      networkConfiguration: { quicEnabled: false, sniOnly: true },
      adminContact: { firstName: "Ada", title: null, addressLineTwo: null },
    });
    expect(result).toEqual({ enrollmentId: 10002, changeIds: [10002] });
  });

  it("3 getEnrollment: GET /cps/v2/enrollments/{id}, enrollment.v12", async () => {
    const { result, request } = await exchange({ body: example("newer/enrollment.v12.json") }, () => client.getEnrollment(10001));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10001");
    expect(request.headers.accept).toBe(`${CPS}.enrollment.v12+json`);
    expect(result.id).toBe(10001);
    expect(result.pendingChanges).toEqual([{ location: "/cps-api/enrollments/10001/changes/10002", changeType: "new-certificate", changeId: 10002 }]);
  });

  it("4 updateEnrollment: PUT with every flag, reports 200 vs 202", async () => {
    const { result, request } = await exchange({ status: 200, body: example("enrollment-status.v1.json") }, () =>
      client.updateEnrollment({
        enrollmentId: 10002,
        enrollment: dvEnrollment,
        allowCancelPendingChanges: true,
        allowStagingBypass: false,
        forceRenewal: true,
        renewalDateCheckOverride: true,
        allowMissingCertificateAddition: false,
        deployNotBefore: "2030-01-01T00:00:00Z",
        pendingChangeIds: [],
      }),
    );
    expect(`${request.method} ${request.target}`).toBe(
      "PUT /cps/v2/enrollments/10002?allow-cancel-pending-changes=true&allow-staging-bypass=false&deploy-not-before=2030-01-01T00%3A00%3A00Z&force-renewal=true&renewal-date-check-override=true&allow-missing-certificate-addition=false",
    );
    expect(request.headers["content-type"]).toBe(`${CPS}.enrollment.v12+json`);
    expect(request.headers.accept).toBe(`${CPS}.enrollment-status.v1+json`);
    expect(result.httpStatus).toBe(200);
    server.reset(() => ({ status: 202, body: example("enrollment-status.v1.json") }));
    expect((await client.updateEnrollment({ enrollmentId: 10002, enrollment: dvEnrollment, pendingChangeIds: [] })).httpStatus).toBe(202);
    expect(server.requests[0]!.target).toBe("/cps/v2/enrollments/10002");
  });

  it("5 removeEnrollment: DELETE with allow-cancel-pending-changes", async () => {
    const { result, request } = await exchange({ status: 202, body: { enrollment: "/cps/v2/enrollments/7", changes: [] } }, () =>
      client.removeEnrollment({ enrollmentId: 7, allowCancelPendingChanges: true }),
    );
    expect(`${request.method} ${request.target}`).toBe("DELETE /cps/v2/enrollments/7?allow-cancel-pending-changes=true");
    expect(request.headers.accept).toBe(`${CPS}.enrollment-status.v1+json`);
    expect(result).toEqual({ enrollmentId: 7, changeIds: [], httpStatus: 202 });
  });

  it("6 getChangeStatus: change.v2; accepts the misspelled DV status", async () => {
    const body = {
      statusInfo: { status: "coodinate-domain-validation", state: "suspended", description: "x", error: null, deploymentSchedule: { notBefore: null, notAfter: null } },
      allowedInput: [input("lets-encrypt-challenges", "lets-encrypt-challenges", "lets-encrypt-challenges-completed")],
    };
    const { result, request } = await exchange({ body, headers: { "Content-Type": `${CPS}.change.v2+json; charset=utf-8` } }, () => client.getChangeStatus(10, 20));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/changes/20");
    expect(request.headers.accept).toBe(`${CPS}.change.v2+json`);
    expect(result.statusInfo.status).toBe("coodinate-domain-validation");
    expect(result.allowedInput[0]!.type).toBe("lets-encrypt-challenges");
  });

  it("6b a change in state error surfaces as CpsChangeError when asked", async () => {
    const body = { statusInfo: { status: "check-for-cert-error", state: "error", description: "d", error: { code: "E1", description: "CA refused", timestamp: "t" }, deploymentSchedule: { notBefore: null, notAfter: null } }, allowedInput: [] };
    server.reset(() => ({ body }));
    await expect(client.getChangeStatus(10, 20, { throwOnError: true })).rejects.toMatchObject({ name: "CpsChangeError", code: "ChangeFailed", cpsCode: "E1", description: "CA refused", enrollmentId: 10, changeId: 20 });
  });

  it("7 cancelChange: DELETE change, change-id.v1", async () => {
    const { request } = await exchange({ body: example("change-id.v1.json") }, () => client.cancelChange(10, 20));
    expect(`${request.method} ${request.target}`).toBe("DELETE /cps/v2/enrollments/10/changes/20");
    expect(request.headers.accept).toBe(`${CPS}.change-id.v1+json`);
  });

  it("8 getDeploymentSchedule: deployment-schedule.v1", async () => {
    const { result, request } = await exchange({ body: example("deployment-schedule.v1.json") }, () => client.getDeploymentSchedule(10, 20));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/changes/20/deployment-schedule");
    expect(request.headers.accept).toBe(`${CPS}.deployment-schedule.v1+json`);
    expect(result).toEqual({ notBefore: "2017-05-19T16:00:00Z", notAfter: null });
  });

  it("9 updateDeploymentSchedule: PUT deployment-schedule.v1 → change-id.v1", async () => {
    const { request } = await exchange({ body: example("change-id.v1.json") }, () => client.updateDeploymentSchedule(10, 20, { notBefore: "2030-02-01T00:00:00Z", notAfter: null }));
    expect(`${request.method} ${request.target}`).toBe("PUT /cps/v2/enrollments/10/changes/20/deployment-schedule");
    expect(request.headers["content-type"]).toBe(`${CPS}.deployment-schedule.v1+json`);
    expect(request.headers.accept).toBe(`${CPS}.change-id.v1+json`);
    expect(request.json).toEqual({ notBefore: "2030-02-01T00:00:00Z", notAfter: null });
  });

  describe("10/11 allowed inputs follow the info/update links", () => {
    const dv = input("lets-encrypt-challenges", "lets-encrypt-challenges", "lets-encrypt-challenges-completed");
    const pre = input("pre-verification-warnings-acknowledgement", "pre-verification-warnings", "pre-verification-warnings-ack");
    const post = input("post-verification-warnings-acknowledgement", "post-verification-warnings", "post-verification-warnings-ack");
    const cm = input("change-management", "change-management-info", "change-management-ack");
    const tp = input("third-party-certificate", "third-party-csr", "third-party-cert-and-trust-chain");
    const info = (name: string): string => `GET /cps/v2/enrollments/10/changes/20/input/info/${name}`;
    const update = (name: string): string => `POST /cps/v2/enrollments/10/changes/20/input/update/${name}`;

    it("DV challenges (dv-challenges.v2) and their acknowledgement", async () => {
      const got = await exchange({ body: example("dv-challenges.v2-sample.json") }, () => client.getDvChallenges(dv));
      expect(`${got.request.method} ${got.request.target}`).toBe(info("lets-encrypt-challenges"));
      expect(got.request.headers.accept).toBe(`${CPS}.dv-challenges.v2+json`);
      expect(got.result.dv[0]!.challenges.map((c) => c.type)).toEqual(["http-01", "dns-01"]);
      const ack = await exchange({ body: example("change-id.v1.json") }, () => client.acknowledgeDvChallenges(dv));
      expect(`${ack.request.method} ${ack.request.target}`).toBe(update("lets-encrypt-challenges-completed"));
      expect(ack.request.headers["content-type"]).toBe(`${CPS}.acknowledgement.v1+json`);
      expect(ack.request.headers.accept).toBe(`${CPS}.change-id.v1+json`);
      expect(ack.request.json).toEqual({ acknowledgement: "acknowledge" });
    });

    it("pre- and post-verification warnings (warnings.v1) and acks", async () => {
      const preGot = await exchange({ body: example("warnings.v1-auto-pre-verification.json") }, () => client.getPreVerificationWarnings(pre));
      expect(`${preGot.request.method} ${preGot.request.target}`).toBe(info("pre-verification-warnings"));
      expect(preGot.request.headers.accept).toBe(`${CPS}.warnings.v1+json`);
      expect(preGot.result.length).toBeGreaterThan(0);
      const preAck = await exchange({ body: example("change-id.v1.json") }, () => client.acknowledgePreVerificationWarnings(pre, "deny"));
      expect(`${preAck.request.method} ${preAck.request.target}`).toBe(update("pre-verification-warnings-ack"));
      expect(preAck.request.json).toEqual({ acknowledgement: "deny" });
      expect(preAck.request.headers["content-type"]).toBe(`${CPS}.acknowledgement.v1+json`);

      const postGot = await exchange({ body: example("warnings.v1-3p-post-verification.json") }, () => client.getPostVerificationWarnings(post));
      expect(`${postGot.request.method} ${postGot.request.target}`).toBe(info("post-verification-warnings"));
      expect(postGot.result).toMatch(/^\[WARNINGS\]/);
      const postAck = await exchange({ body: example("change-id.v1.json") }, () => client.acknowledgePostVerificationWarnings(post, "acknowledge"));
      expect(`${postAck.request.method} ${postAck.request.target}`).toBe(update("post-verification-warnings-ack"));
      expect(postAck.request.json).toEqual({ acknowledgement: "acknowledge" });
    });

    it("change management: info v6, deployment v8 on the same link, ack with and without hash", async () => {
      const cmInfo = await exchange({ body: example("newer/change-management-info.v6-3p.json") }, () => client.getChangeManagementInfo(cm));
      expect(`${cmInfo.request.method} ${cmInfo.request.target}`).toBe(info("change-management-info"));
      expect(cmInfo.request.headers.accept).toBe(`${CPS}.change-management-info.v6+json`);
      expect(cmInfo.result.validationResultHash).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");

      const dep = await exchange({ body: example("newer/deployment.v8.json") }, () => client.getChangeDeploymentInfo(cm));
      expect(`${dep.request.method} ${dep.request.target}`).toBe(info("change-management-info"));
      expect(dep.request.headers.accept).toBe(`${CPS}.deployment.v8+json`);

      const withHash = await exchange({ body: example("change-id.v1.json") }, () => client.acknowledgeChangeManagement(cm, "acknowledge", "da39a3ee"));
      expect(`${withHash.request.method} ${withHash.request.target}`).toBe(update("change-management-ack"));
      expect(withHash.request.headers["content-type"]).toBe(`${CPS}.acknowledgement-with-hash.v1+json`);
      expect(withHash.request.json).toEqual({ acknowledgement: "acknowledge", hash: "da39a3ee" });

      const plain = await exchange({ body: example("change-id.v1.json") }, () => client.acknowledgeChangeManagement(cm, "deny"));
      expect(plain.request.headers["content-type"]).toBe(`${CPS}.acknowledgement.v1+json`);
      expect(plain.request.json).toEqual({ acknowledgement: "deny" });
    });

    it("third-party CSR (csr.v2) and certificate upload (certificate-and-trust-chain.v2)", async () => {
      const csrs = await exchange({ body: example("csr.v2.json") }, () => client.getThirdPartyCsrs(tp));
      expect(`${csrs.request.method} ${csrs.request.target}`).toBe(info("third-party-csr"));
      expect(csrs.request.headers.accept).toBe(`${CPS}.csr.v2+json`);
      expect(csrs.result[0]!.keyAlgorithm).toBe("RSA");
      const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
      const up = await exchange({ body: example("change-id.v1.json") }, () =>
        client.uploadThirdPartyCertificates(tp, [{ keyAlgorithm: "RSA", certificate: pem, trustChain: pem }]),
      );
      expect(`${up.request.method} ${up.request.target}`).toBe(update("third-party-cert-and-trust-chain"));
      expect(up.request.headers["content-type"]).toBe(`${CPS}.certificate-and-trust-chain.v2+json`);
      expect(up.request.headers.accept).toBe(`${CPS}.change-id.v1+json`);
      expect(up.request.json).toEqual({ certificatesAndTrustChains: [{ keyAlgorithm: "RSA", certificate: pem, trustChain: pem }] });
    });
  });

  it("12 listDeployments: deployments.v8", async () => {
    const { result, request } = await exchange({ body: example("newer/deployments.v8-3p.json") }, () => client.listDeployments(10));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/deployments");
    expect(request.headers.accept).toBe(`${CPS}.deployments.v8+json`);
    expect(result.production?.primaryCertificate?.keyAlgorithm).toBe("ECDSA");
    server.reset(() => ({ body: { production: null } }));
    expect(await client.listDeployments(10)).toEqual({ production: null, staging: null });
  });

  it("13/14 production and staging deployments: deployment.v8, 404 → undefined", async () => {
    const prod = await exchange({ body: example("newer/deployment.v8.json") }, () => client.getProductionDeployment(10));
    expect(`${prod.request.method} ${prod.request.target}`).toBe("GET /cps/v2/enrollments/10/deployments/production");
    expect(prod.request.headers.accept).toBe(`${CPS}.deployment.v8+json`);
    expect(prod.result?.networkConfiguration.ocspStapling).toBe("not-set");
    const staging = await exchange({ status: 404, headers: { "Content-Type": "application/problem+json" }, body: { type: "x/not-found", title: "Not Found" } }, () =>
      client.getStagingDeployment(10),
    );
    expect(`${staging.request.method} ${staging.request.target}`).toBe("GET /cps/v2/enrollments/10/deployments/staging");
    expect(staging.result).toBeUndefined();
  });

  it("15 getDvHistory: dv-history.v1 (the example's `data` key normalised to `results`)", async () => {
    const { result, request } = await exchange({ body: example("dv-history.v1.json") }, () => client.getDvHistory(10));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/dv-history");
    expect(request.headers.accept).toBe(`${CPS}.dv-history.v1+json`);
    expect(result.results[0]!.domain).toBe("www.cps-example-dv.com");
  });

  it("16 getCertificateHistory: certificate-history.v2, includeAll only when asked", async () => {
    const { result, request } = await exchange({ body: example("certificate-history.v2.json") }, () => client.getCertificateHistory(10, { includeAll: true }));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/history/certificates?includeAll=true");
    expect(request.headers.accept).toBe(`${CPS}.certificate-history.v2+json`);
    expect(result.certificates.length).toBeGreaterThan(0);
    server.reset(() => ({ body: { certificates: [] } }));
    await client.getCertificateHistory(10);
    expect(server.requests[0]!.target).toBe("/cps/v2/enrollments/10/history/certificates");
  });

  it("17 getChangeHistory: change-history.v5", async () => {
    const { result, request } = await exchange({ body: example("change-history.v5.json") }, () => client.getChangeHistory(10));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/enrollments/10/history/changes");
    expect(request.headers.accept).toBe(`${CPS}.change-history.v5+json`);
    expect(result.changes[0]!.action).toBe("renew");
  });

  it("18 listActiveCertificates: active-certificates.v2", async () => {
    const { result, request } = await exchange({ body: example("newer/active-certificates.v2.json") }, () => client.listActiveCertificates("K-0N7RAK71"));
    expect(`${request.method} ${request.target}`).toBe("GET /cps/v2/active-certificates?contractId=K-0N7RAK71");
    expect(request.headers.accept).toBe(`${CPS}.active-certificates.v2+json`);
    expect(result.enrollments[0]!.id).toBe(10000);
  });

  it("Edge DNS recordsets: GET/POST/PUT/DELETE with application/json; 404 → undefined", async () => {
    const rs = { name: "_acme-challenge.www.example.com", type: "TXT", ttl: 60, rdata: ['"token"'] };
    const base = "/config-dns/v2/zones/example.com/names/_acme-challenge.www.example.com/types/TXT";
    const got = await exchange({ body: rs }, () => client.edgeDns.getRecordSet("example.com", rs.name, "TXT"));
    expect(`${got.request.method} ${got.request.target}`).toBe(`GET ${base}`);
    expect(got.request.headers.accept).toBe("application/json");
    expect(got.result).toEqual(rs);
    const missing = await exchange({ status: 404, body: { title: "Not Found" } }, () => client.edgeDns.getRecordSet("example.com", rs.name, "TXT"));
    expect(missing.result).toBeUndefined();
    const created = await exchange({ status: 201, body: rs }, () => client.edgeDns.createRecordSet("example.com", rs));
    expect(`${created.request.method} ${created.request.target}`).toBe(`POST ${base}`);
    expect(created.request.headers["content-type"]).toBe("application/json");
    expect(created.request.json).toEqual(rs);
    const updated = await exchange({ body: rs }, () => client.edgeDns.updateRecordSet("example.com", rs));
    expect(`${updated.request.method} ${updated.request.target}`).toBe(`PUT ${base}`);
    const deleted = await exchange({ status: 204 }, () => client.edgeDns.deleteRecordSet("example.com", rs.name, "TXT"));
    expect(`${deleted.request.method} ${deleted.request.target}`).toBe(`DELETE ${base}`);
  });

  it("adds accountSwitchKey to the signed query when an account key is configured", async () => {
    const { client: switching } = testClient(server, { accountKey: "B-C-1ABCD:1-2345" });
    try {
      const { request } = await exchange({ body: { enrollments: [] } }, () => switching.listEnrollments("K-0N7RAK71"));
      expect(request.target).toBe("/cps/v2/enrollments?contractId=K-0N7RAK71&accountSwitchKey=B-C-1ABCD%3A1-2345");
    } finally {
      switching.close();
    }
  });
});
