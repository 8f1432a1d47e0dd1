/**
 * The product, end to end through @pulumi/pulumi's dynamic-provider host and the emulator:
 * Enrollment → TXT records in Edge DNS → DvValidation → Deployment, then the scenarios users hit.
 */
import { startTestStack, TestStack, enrollmentInputs, edgeRootsPem } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "example.test";
type Challenges = Record<string, { recordName: string; value: string }>;

async function publishRecords(stack: TestStack, challenges: Challenges) {
  for (const [domain, c] of Object.entries(challenges)) {
    const r = await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
    expect(r.op).not.toBe("failed");
  }
}

describe("DV certificate through the engine path", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("rejects bad inputs in Check without any API request", async () => {
    const before = stack.emulator.stats().requests;
    const bad = await stack.driver.preview("Enrollment", "bad", enrollmentInputs(ZONE, { sans: ["bad_name.example.test", "a.example.test", "A.example.test"], csr: { c: "XX" } }));
    expect(bad.failures.map((f) => f.property).sort()).toEqual(["csr.c", "sans[0]", "sans[2]"]);
    expect(stack.emulator.stats().requests).toBe(before);
  });

  it("issues, validates through real DNS, deploys via staging and passes a TLS check on the production edge", async () => {
    const created = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    expect(created.op).toBe("create");
    const cert = stack.driver.outputs("www");
    const challenges = cert.dnsChallenges as Challenges;
    expect(Object.keys(challenges).sort()).toEqual([`api.${ZONE}`, ZONE, `www.${ZONE}`].sort());
    expect(challenges[`www.${ZONE}`]!.recordName).toBe(`_acme-challenge.www.${ZONE}`);

    await publishRecords(stack, challenges);
    const validation = await stack.driver.up("DvValidation", "www-validation", { enrollmentId: cert.enrollmentId as number, timeout: "2m" });
    expect(validation.op).toBe("create");

    const [host, port] = stack.emulator.production!.split(":");
    const deployment = await stack.driver.up("Deployment", "www-prod", {
      enrollmentId: cert.enrollmentId as number,
      network: "production",
      acknowledgeChangeManagement: true,
      verify: { host: host!, port: Number(port), caCertPem: edgeRootsPem(stack.emulator) },
      timeout: "2m",
    });
    if (deployment.op === "failed") throw new Error(deployment.message);
    const out = stack.driver.outputs("www-prod");
    expect((out.verification as { ok: boolean }).ok).toBe(true);
    const production = out.production as { subjectAltNames: string[]; serialNumber: string };
    expect(production.subjectAltNames.sort()).toEqual([`api.${ZONE}`, ZONE, `www.${ZONE}`].sort());
    expect(stack.driver.output.some((l) => l.includes("[cps] www") && /validation|challenges/.test(l))).toBe(true);
  });

  it("keeps the challenges after validation and shows no diff when nothing changed", async () => {
    const cert = stack.driver.outputs("www");
    expect(Object.keys(cert.dnsChallenges as Challenges)).toHaveLength(3);
    const preview = await stack.driver.preview("Enrollment", "www", enrollmentInputs(ZONE, { sans: [`API.${ZONE}`, ZONE, `www.${ZONE}`] }));
    expect(preview.changes).toBe("none");
  });

  it("shows a change made outside Pulumi in preview, without refresh", async () => {
    const id = stack.driver.outputs("www").enrollmentId as number;
    await stack.admin("PATCH", `/enrollments/${id}`, { networkConfiguration: { mustHaveCiphers: "ak-akamai-default" } });
    await stack.driver.newRun();
    const preview = await stack.driver.preview("Enrollment", "www", enrollmentInputs(ZONE));
    expect(preview.changes).toBe("some");
    expect(preview.replaces).toEqual([]);
    // and `up` puts it back
    const up = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (up.op === "failed") throw new Error(up.message);
    expect(up.op).toBe("update");
  });

  it("never cancels a pending change silently, and cancels it when told to", async () => {
    // The drift repair above started a deployment change that now waits for change management.
    const pendingId = stack.driver.outputs("www").pendingChangeId as number;
    expect(pendingId).toBeGreaterThan(0);
    const withShop = enrollmentInputs(ZONE, { sans: [ZONE, `api.${ZONE}`, `shop.${ZONE}`] });
    const refused = await stack.driver.up("Enrollment", "www", withShop);
    expect(refused.op).toBe("failed");
    if (refused.op === "failed") expect(refused.message).toMatch(new RegExp(`pending change ${pendingId}.*cancelPendingChanges`, "s"));
    const live = (await stack.admin("GET", `/enrollments/${stack.driver.outputs("www").enrollmentId}`)) as { csr: { sans: string[] } };
    expect(JSON.stringify(live)).not.toContain(`shop.${ZONE}`);

    const accepted = await stack.driver.up("Enrollment", "www", { ...withShop, cancelPendingChanges: true });
    if (accepted.op === "failed") throw new Error(accepted.message);
    const cert = stack.driver.outputs("www");
    expect(cert.lastUpdateStartedNewCertificate).toBe(true);
    expect(cert.pendingChangeId).not.toBe(pendingId);
    expect(Object.keys(cert.dnsChallenges as Challenges)).toContain(`shop.${ZONE}`);
  });

  it("re-runs validation for the new change and finishes the SAN change", async () => {
    await publishRecords(stack, stack.driver.outputs("www").dnsChallenges as Challenges);
    const preview = await stack.driver.preview("DvValidation", "www-validation", { enrollmentId: stack.driver.outputs("www").enrollmentId as number, timeout: "2m" });
    expect(preview.changes).toBe("some");
    const validation = await stack.driver.up("DvValidation", "www-validation", { enrollmentId: stack.driver.outputs("www").enrollmentId as number, timeout: "2m" });
    if (validation.op === "failed") throw new Error(validation.message);
    expect(validation.op).toBe("update");
    expect(stack.driver.outputs("www-validation").validatedDomains).toContain(`shop.${ZONE}`);
    // and the Deployment follows the new change to production
    await stack.driver.newRun();
    const [host, port] = stack.emulator.production!.split(":");
    const deployed = await stack.driver.up("Deployment", "www-prod", {
      enrollmentId: stack.driver.outputs("www").enrollmentId as number,
      network: "production",
      acknowledgeChangeManagement: true,
      verify: { host: host!, port: Number(port), servername: `shop.${ZONE}`, caCertPem: edgeRootsPem(stack.emulator) },
      timeout: "2m",
    });
    if (deployed.op === "failed") throw new Error(deployed.message);
    expect(deployed.op).toBe("update");
    expect((stack.driver.outputs("www-prod").production as { subjectAltNames: string[] }).subjectAltNames).toContain(`shop.${ZONE}`);
  });

  it("plans a re-create when the enrollment was deleted outside Pulumi", async () => {
    const created = await stack.driver.up("Enrollment", "gone", enrollmentInputs(ZONE, { commonName: `gone.${ZONE}`, sans: [] }));
    if (created.op === "failed") throw new Error(created.message);
    const id = stack.driver.outputs("gone").enrollmentId as number;
    await stack.admin("DELETE", `/enrollments/${id}`);
    await stack.driver.newRun();
    const preview = await stack.driver.preview("Enrollment", "gone", enrollmentInputs(ZONE, { commonName: `gone.${ZONE}`, sans: [] }));
    expect(preview.replaces.length).toBeGreaterThan(0);
    expect(await stack.driver.refresh("gone")).toBe(false);
  });

  it("refresh keeps a Deployment while its enrollment exists and forgets it once the enrollment was deleted outside Pulumi", async () => {
    expect(await stack.driver.refresh("www-prod")).toBe(true);
    expect(stack.driver.outputs("www-prod").production).not.toBeNull();
    await stack.admin("DELETE", `/enrollments/${stack.driver.outputs("www").enrollmentId as number}`);
    await stack.driver.newRun();
    expect(await stack.driver.refresh("www-prod")).toBe(false);
  });
});
