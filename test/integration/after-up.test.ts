/**
 * What a user sees once `up` has run, through @pulumi/pulumi's dynamic-provider host and the
 * emulator: outputs that describe the enrollment after the deployment, a deployed certificate that
 * is checked against the enrollment, and a Deployment whose delete refuses while the certificate is
 * live on production (the engine deletes it before the DNS records, DvValidation and Enrollment).
 */
import type { CsrRequest } from "../../emulator/seams";
import { createKeyFactory } from "../../emulator/pki/key-factory";
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(120_000);

type Challenges = Record<string, { recordName: string; value: string }>;

/** Enrollment → TXT records → DvValidation, as the README's program declares them. */
async function issue(stack: TestStack, zone: string, name: string): Promise<number> {
  const created = await stack.driver.up("Enrollment", name, enrollmentInputs(zone));
  if (created.op === "failed") throw new Error(created.message);
  for (const [domain, c] of Object.entries(stack.driver.outputs(name).dnsChallenges as Challenges)) {
    const r = await stack.driver.up("EdgeDnsTxtRecord", `${name}-acme-${domain}`, { zone, name: c.recordName, values: [c.value], ttl: 60 });
    if (r.op === "failed") throw new Error(r.message);
  }
  const enrollmentId = stack.driver.outputs(name).enrollmentId as number;
  const validation = await stack.driver.up("DvValidation", `${name}-validation`, { enrollmentId, timeout: "2m" });
  if (validation.op === "failed") throw new Error(validation.message);
  return enrollmentId;
}

describe("after up, with a CPS that deploys what it was asked for", () => {
  const ZONE = "after-up.test";
  let stack: TestStack;
  let enrollmentId: number;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
    enrollmentId = await issue(stack, ZONE, "www");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("the Deployment outputs the enrollment as it is after the deployment", async () => {
    const deployed = await stack.driver.up("Deployment", "www-deploy", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" });
    if (deployed.op === "failed") throw new Error(deployed.message);
    // The Enrollment's own outputs date from its step, before validation: they still name the change.
    expect(stack.driver.outputs("www").pendingChangeId).not.toBeNull();
    const now = stack.driver.outputs("www-deploy").enrollment as { status: string; pendingChangeId: number | null; autoRenewalStartTime: string | null };
    expect(now.status).toBe("active");
    expect(now.pendingChangeId).toBeNull();
    expect(Date.parse(now.autoRenewalStartTime ?? "")).toBeGreaterThan(0);
    // and a refresh brings the Enrollment's outputs up to date too
    expect(await stack.driver.refresh("www")).toBe(true);
    expect(stack.driver.outputs("www")).toMatchObject({ status: "active", pendingChangeId: null, autoRenewalStartTime: now.autoRenewalStartTime });
  });

  it("changing the Deployment's network is an update, not a replacement that would delete it", async () => {
    const preview = await stack.driver.preview("Deployment", "www-deploy", { enrollmentId, network: "staging", acknowledgeChangeManagement: true, timeout: "2m" });
    expect(preview).toMatchObject({ changes: "some", replaces: [] });
  });

  it("deleting the Deployment refuses while the certificate is live on production, and is allowed with the opt-in", async () => {
    await expect(stack.driver.destroy("www-deploy")).rejects.toThrow(
      /Enrollment \d+ has a certificate live on the production network, so its Deployment refuses to be deleted before anything else is.*allowDeleteWhileDeployed: true on the Enrollment and on its Deployment.*\[DeleteRefusedWhileDeployed, see docs\/troubleshooting.md#delete-refused\]/s,
    );
    const optIn = await stack.driver.up("Deployment", "www-deploy", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m", allowDeleteWhileDeployed: true });
    if (optIn.op === "failed") throw new Error(optIn.message);
    await stack.driver.destroy("www-deploy");
    expect(stack.driver.states.has("www-deploy")).toBe(false);
  });

  it("removing a live name is acknowledged as the consequence of the change, shown in preview, under the default policy", async () => {
    const fewer = enrollmentInputs(ZONE, { sans: [ZONE] });
    const linesBefore = stack.driver.output.length;
    const preview = await stack.driver.preview("Enrollment", "www", fewer);
    expect(preview.changes).toBe("some");
    expect(stack.driver.output.slice(linesBefore).join("\n")).toMatch(
      new RegExp(`removing api\\.${ZONE.replace(".", "\\.")} from the certificate: if they are live on the network, CPS warns about it \\(CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK`),
    );
    const updated = await stack.driver.up("Enrollment", "www", fewer);
    if (updated.op === "failed") throw new Error(updated.message);
    for (const [domain, c] of Object.entries(stack.driver.outputs("www").dnsChallenges as Challenges)) {
      const r = await stack.driver.up("EdgeDnsTxtRecord", `www-acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
      if (r.op === "failed") throw new Error(r.message);
    }
    // postVerificationWarnings is left at its default, "fail"
    const validation = await stack.driver.up("DvValidation", "www-validation", { enrollmentId, timeout: "2m" });
    if (validation.op === "failed") throw new Error(validation.message);
    expect(stack.driver.output.slice(linesBefore).join("\n")).toMatch(
      new RegExp(`CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK: the expected consequence of removing api\\.${ZONE.replace(".", "\\.")} from the certificate, acknowledged without postVerificationWarnings`),
    );
    const deployed = await stack.driver.up("Deployment", "www-deploy-fewer", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" });
    if (deployed.op === "failed") throw new Error(deployed.message);
    expect((stack.driver.outputs("www-deploy-fewer").production as { subjectAltNames: string[] }).subjectAltNames.sort()).toEqual([ZONE, `www.${ZONE}`]);
  });
});

describe("after up, with a CPS that deploys a certificate for other names", () => {
  const ZONE = "wrong-names.test";
  let stack: TestStack;
  beforeAll(async () => {
    // CPS generates the CSR, and this one leaves api.<zone> out: the CA signs what it is given.
    const real = createKeyFactory();
    stack = await startTestStack({
      zones: [ZONE],
      keyFactory: { generate: (r: CsrRequest) => real.generate({ ...r, sans: r.sans.filter((n) => n !== `api.${ZONE}`) }) },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("the Deployment fails with a clear code, naming what is missing, and stays in state", async () => {
    const enrollmentId = await issue(stack, ZONE, "www");
    const deployed = await stack.driver.up("Deployment", "www-deploy", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" });
    expect(deployed.op).toBe("failed");
    if (deployed.op !== "failed") return;
    expect(deployed.message).toMatch(
      new RegExp(`Enrollment ${enrollmentId}: the certificate CPS reports on the production network is not what the enrollment declares: the RSA certificate \\(serial [0-9A-F]+\\) does not cover api\\.${ZONE.replace(".", "\\.")}`),
    );
    expect(deployed.message).toMatch(/\[DeployedCertificateMismatch, see docs\/troubleshooting.md#deployed-certificate-mismatch\]/);
    expect(deployed.state?.id).toBe(`${enrollmentId}:production`);
  });
});
