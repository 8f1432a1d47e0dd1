import { FakeCpsServer } from "./support/fake-cps-server";
import { testClient } from "./support/client-factory";
import { dvEnrollment } from "./support/fixtures";
import { type AllowedInput, CpsInputError, parseTrailingId } from "../../provider/cps";

const dvInput: AllowedInput = {
  type: "lets-encrypt-challenges",
  requiredToProceed: true,
  info: "/cps/v2/enrollments/10/changes/20/input/info/lets-encrypt-challenges",
  update: "/cps/v2/enrollments/10/changes/20/input/update/lets-encrypt-challenges-completed",
};

describe("bad input fails before any request, naming the field", () => {
  let server: FakeCpsServer;
  beforeAll(async () => {
    server = await FakeCpsServer.start();
    server.reset(() => ({ status: 500 }));
  });
  afterAll(async () => {
    await server.stop();
  });

  const cases: Array<[string, string, (c: ReturnType<typeof testClient>["client"]) => Promise<unknown>]> = [
    ["non-numeric enrollment id", "enrollmentId", (c) => c.getEnrollment(Number("abc"))],
    ["string enrollment id", "enrollmentId", (c) => c.getEnrollment("12" as unknown as number)],
    ["zero change id", "changeId", (c) => c.getChangeStatus(1, 0)],
    ["fractional id", "enrollmentId", (c) => c.listDeployments(1.5)],
    ["empty contract id", "contractId", (c) => c.listEnrollments("")],
    ["ctr_ prefixed contract id", "contractId", (c) => c.listActiveCertificates("ctr_K-1")],
    ["bad ack value", "ack", (c) => c.acknowledgePreVerificationWarnings({ ...dvInput, type: "pre-verification-warnings-acknowledgement" }, "yes" as "deny")],
    ["wrong input type", "input.type", (c) => c.getDvChallenges({ ...dvInput, type: "change-management" })],
    ["link to another host", "input.info", (c) => c.getDvChallenges({ ...dvInput, info: "https://evil.example/cps/v2/x" })],
    ["relative link with ..", "input.update", (c) => c.acknowledgeDvChallenges({ ...dvInput, update: "/cps/v2/../../admin" })],
    ["enrollment missing cn", "enrollment.csr.cn", (c) => c.createEnrollment({ contractId: "K-1", enrollment: { ...dvEnrollment, csr: { cn: "" } } })],
    ["unknown enrollment member", "enrollment", (c) => c.createEnrollment({ contractId: "K-1", enrollment: { ...dvEnrollment, pendingChanges: [] } as typeof dvEnrollment })],
    ["bad ocspStapling", "enrollment.networkConfiguration.ocspStapling", (c) => c.updateEnrollment({ enrollmentId: 1, enrollment: { ...dvEnrollment, networkConfiguration: { ...dvEnrollment.networkConfiguration, ocspStapling: "True" as "on" } } })],
    ["bad deploy date", "deployNotBefore", (c) => c.removeEnrollment({ enrollmentId: 1, deployNotBefore: "tomorrow" })],
    ["empty hash", "hash", (c) => c.acknowledgeChangeManagement({ ...dvInput, type: "change-management" }, "acknowledge", "")],
    ["trust chain without PEM", "certs.certificatesAndTrustChains.0.certificate", (c) => c.uploadThirdPartyCertificates({ ...dvInput, type: "third-party-certificate" }, [{ keyAlgorithm: "RSA", certificate: "nope" }])],
    ["bad DNS type", "type", (c) => c.edgeDns.getRecordSet("example.com", "a.example.com", "T XT")],
  ];

  it.each(cases)("%s → CpsInputError(%s), zero requests", async (_name, field, call) => {
    const { client } = testClient(server);
    server.requests.length = 0;
    const error = await call(client).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CpsInputError);
    expect((error as CpsInputError).field).toBe(field);
    expect(server.requests).toHaveLength(0);
    client.close();
  });

  it("parseTrailingId reads the trailing integer of any location prefix", () => {
    expect(parseTrailingId("/cps-api/enrollments/10001")).toBe(10001);
    expect(parseTrailingId("/cps/v2/enrollments/10000/changes/10002")).toBe(10002);
    expect(parseTrailingId("/cps/enrollments/7/")).toBe(7);
    expect(() => parseTrailingId("/cps/v2/enrollments/x")).toThrow(CpsInputError);
  });
});
