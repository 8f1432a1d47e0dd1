/**
 * Messages that tell the user what to change, through @pulumi/pulumi's dynamic-provider host and
 * the emulator: an untrusted private CA, a badly written deployment window, a wildcard on a SAN
 * certificate, and a deployment window that opens after the wait would end.
 */
import { startEmulator, RunningEmulator } from "../../emulator";
import { StackDriver } from "./stack-driver";
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "messages.test";
type Challenges = Record<string, { recordName: string; value: string }>;

describe("messages that name the fix", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a deployment window in the wrong format says which format", async () => {
    const preview = await stack.driver.preview("Enrollment", "bad-window", enrollmentInputs(ZONE, { deploymentSchedule: { notBefore: "tomorrow" } }));
    expect(preview.failures).toEqual([{ property: "deploymentSchedule.notBefore", reason: expect.stringMatching(/^must be an ISO.8601 date-time .*2026-12-01T00:00:00Z.*a date.*2026-12-01/) }]);
  });

  it("a wildcard on a SAN certificate names the certificateType that allows it", async () => {
    const preview = await stack.driver.preview("Enrollment", "bad-wildcard", enrollmentInputs(ZONE, { sans: [`*.${ZONE}`] }));
    expect(preview.failures).toHaveLength(1);
    expect(preview.failures[0]!.property).toBe("sans[0]");
    expect(preview.failures[0]!.reason).toMatch(/is a wildcard, which this certificate type does not allow: set certificateType: "wildcard-san"/);
  });

  it("a deployment window that opens after the timeout fails at once, saying when it opens", async () => {
    const created = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (created.op === "failed") throw new Error(created.message);
    for (const [domain, c] of Object.entries(stack.driver.outputs("www").dnsChallenges as Challenges)) {
      const r = await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
      if (r.op === "failed") throw new Error(r.message);
    }
    const enrollmentId = stack.driver.outputs("www").enrollmentId as number;
    const validation = await stack.driver.up("DvValidation", "www-validation", { enrollmentId, timeout: "2m" });
    if (validation.op === "failed") throw new Error(validation.message);
    const opens = new Date(Date.now() + 2 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    // A wait that ran into its timeout would outlast this test's own bound.
    const deployed = await stack.driver.up("Deployment", "www-deploy", {
      enrollmentId,
      acknowledgeChangeManagement: true,
      deploymentSchedule: { notBefore: opens },
      timeout: "10m",
    });
    expect(deployed.op).toBe("failed");
    if (deployed.op === "failed") {
      expect(deployed.message).toContain(`its deployment window opens at ${opens.replace("Z", ".000Z")}, after this Deployment's timeout (10m) would end`);
      expect(deployed.message).toContain("[DeploymentWindowAfterTimeout, see docs/troubleshooting.md#deployment-window]");
    }
  });
});

describe("a stack without caCertPath against a private CA", () => {
  let emulator: RunningEmulator;
  let driver: StackDriver;
  beforeAll(async () => {
    emulator = await startEmulator();
    driver = await StackDriver.start({ "pulumi-akamai-cps:edgerc": emulator.edgerc, "pulumi-akamai-cps:section": emulator.section });
  });
  afterAll(async () => {
    await driver?.stop();
    await emulator?.stop();
  });

  it("says which setting trusts the CA", async () => {
    const up = await driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    expect(up.op).toBe("failed");
    if (up.op === "failed") expect(up.message).toMatch(/certificate.*for a private CA, such as the CPS emulator's ca\.pem, set the caCertPath setting, i\.e\. `pulumi config set pulumi-akamai-cps:caCertPath <file>`/s);
  });
});
