/**
 * CPS's automated challenge completion (Akamai's secure provisioning seed documents): a name added to
 * a live certificate that is already CNAMEd to an ACTIVE edge hostname of that certificate is
 * validated by Akamai without a token. With `automatedChallengeCompletion: false` it needs its token.
 */
import { enrollmentRequestSchema, type ChangeStatus } from "../../provider/cps";
import { acknowledgeChallenges, completeDvWithDns01, createDv, dvEnrollment, DV_STATUS, input, startE2e, waitFor, waitStatus, type E2e } from "./helpers";

const ZONE = "auto.test";
const NEW = `new.${ZONE}`;

/** A live certificate for www, its edge hostname ACTIVE, and `new` CNAMEd to it; then `new` added as a SAN. */
async function sanChangeForCnamedName(e2e: E2e): Promise<{ enrollmentId: number; changeId: number; coordinating: ChangeStatus }> {
  expect((await e2e.admin("POST", "/dns/zones", { zone: ZONE })).status).toBe(201);
  const created = await createDv(e2e, `www.${ZONE}`);
  await completeDvWithDns01(e2e, ZONE, created.enrollmentId, created.changeId);
  const made = e2e.emulator.edgeHostnames.handle("POST", "/papi/v1/edgehostnames?contractId=ctr_K-E2E&groupId=grp_1", {
    productId: "prd_Fresca",
    domainPrefix: `www.${ZONE}`,
    domainSuffix: "edgekey.net",
    secureNetwork: "ENHANCED_TLS",
    ipVersionBehavior: "IPV4",
    certEnrollmentId: created.enrollmentId,
  });
  expect(made.status).toBe(201);
  await waitFor("the edge hostname to be active", async () => (e2e.emulator.edgeHostnames.list().every((r) => r.status === "ACTIVE") ? true : undefined));
  await e2e.client.edgeDns.createRecordSet(ZONE, { name: NEW, type: "CNAME", ttl: 60, rdata: [`www.${ZONE}.edgekey.net.`] });

  const updated = await e2e.client.updateEnrollment({ enrollmentId: created.enrollmentId, enrollment: enrollmentRequestSchema.parse(dvEnrollment(`www.${ZONE}`, [NEW])) });
  const changeId = updated.changeIds[0];
  if (changeId === undefined) throw new Error("no change opened");
  return { enrollmentId: created.enrollmentId, changeId, coordinating: await waitStatus(e2e, created.enrollmentId, changeId, DV_STATUS) };
}

/** Publishes the new dns-01 value of `domain` only (its record from the first change is replaced). */
async function publishFor(e2e: E2e, coordinating: ChangeStatus, domain: string): Promise<void> {
  const dv = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
  const dns = dv.dv.find((d) => d.domain === domain)?.challenges.find((c) => c.type === "dns-01");
  if (!dns?.fullPath || !dns.responseBody) throw new Error(`no dns-01 challenge for ${domain}`);
  const recordSet = { name: dns.fullPath.replace(/\.$/, ""), type: "TXT", ttl: 60, rdata: [dns.responseBody] };
  if (await e2e.client.edgeDns.getRecordSet(ZONE, recordSet.name, "TXT")) await e2e.client.edgeDns.updateRecordSet(ZONE, recordSet);
  else await e2e.client.edgeDns.createRecordSet(ZONE, recordSet);
}

describe("automated challenge completion (default on)", () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ edgeHostnameActivationMs: 0 });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it("validates a name CNAMEd to the certificate's edge hostname with no token, and shows it in dv-challenges and dv-history", async () => {
    const { enrollmentId, changeId, coordinating } = await sanChangeForCnamedName(e2e);
    const byAkamai = await waitFor("CPS to validate the CNAMEd name", async () => {
      const dv = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
      const entry = dv.dv.find((d) => d.domain === NEW);
      return entry?.validationStatus === "VALIDATED" ? { entry, www: dv.dv.find((d) => d.domain === `www.${ZONE}`) } : undefined;
    });
    expect(byAkamai.entry).toMatchObject({ status: "Valid", validationStatus: "VALIDATED", error: null });
    expect(byAkamai.entry.validatedTimestamp).toBeTruthy();
    // no challenge was used: none of them is valid
    expect(byAkamai.entry.challenges.map((c) => c.status)).not.toContain("valid");
    // the name that is not CNAMEd still needs its token
    expect(byAkamai.www?.validationStatus).not.toBe("VALIDATED");

    const history = await e2e.client.getDvHistory(enrollmentId);
    expect(JSON.stringify(history)).toContain(NEW);

    await publishFor(e2e, coordinating, `www.${ZONE}`);
    await acknowledgeChallenges(e2e, enrollmentId, changeId, coordinating);
    await waitStatus(e2e, enrollmentId, changeId, "complete");
    const deployed = await e2e.client.getProductionDeployment(enrollmentId);
    expect(deployed?.primaryCertificate?.certificate).toBeTruthy();
  });
});

describe("automated challenge completion turned off", () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e({ edgeHostnameActivationMs: 0, automatedChallengeCompletion: false });
  });
  afterAll(async () => {
    await e2e?.stop();
  });

  it("requires the token of a name CNAMEd to the certificate's edge hostname", async () => {
    const { enrollmentId, changeId, coordinating } = await sanChangeForCnamedName(e2e);
    await publishFor(e2e, coordinating, `www.${ZONE}`);
    await acknowledgeChallenges(e2e, enrollmentId, changeId, coordinating);
    const checked = await waitFor("CPS to check the domains", async () => {
      const dv = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
      const www = dv.dv.find((d) => d.domain === `www.${ZONE}`);
      return www?.validationStatus === "VALIDATED" ? dv.dv.find((d) => d.domain === NEW) : undefined;
    });
    expect(checked).toMatchObject({ status: "Awaiting user" });
    expect(checked?.validationStatus).not.toBe("VALIDATED");
    expect(checked?.error).toMatch(/_acme-challenge\.new\.auto\.test/);
    expect((await e2e.client.getChangeStatus(enrollmentId, changeId)).statusInfo.status).toBe(DV_STATUS);

    await publishFor(e2e, coordinating, NEW);
    await acknowledgeChallenges(e2e, enrollmentId, changeId, coordinating);
    await waitStatus(e2e, enrollmentId, changeId, "complete");
  });
});
