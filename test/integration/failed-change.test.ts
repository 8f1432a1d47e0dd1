/**
 * A failed change never strands a stack. Observed before: a deployment window that closed made the
 * change fail (`deployment-window-expired`), and every later `up` failed the same way — with the
 * window removed, and with `cancelPendingChanges: true` too — because nothing replaced the change.
 *
 * What real CPS does: Akamai documents `error` as a change state of its own
 * (akamai/akamai-apis apis/cps/v2/schemas/change.v2.yaml, `statusInfo.state` and `statusInfo.error`)
 * and that `DELETE /enrollments/{e}/changes/{c}` "cancels the entire change … any pending change"
 * (https://techdocs.akamai.com/cps/reference/delete-enrollment-change). Whether the failed change
 * stays in the enrollment's `pendingChanges` is not documented; the emulator keeps it there (the
 * case that wedged), and the provider does not rely on either: it reads the change's status.
 */
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(180_000);

const ZONE = "failed-change.test";
type Challenges = Record<string, { recordName: string; value: string }>;

async function publishRecords(stack: TestStack, challenges: Challenges, round: number) {
  for (const [domain, c] of Object.entries(challenges)) {
    const r = await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
    if (r.op === "failed") throw new Error(`round ${round}: ${r.message}`);
  }
}

describe("a failed change leaves a way forward", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Enrollment → records → DvValidation → a Deployment whose window closed for CPS: the change fails. */
  async function failAtDeployment(name: string, inputs: ReturnType<typeof enrollmentInputs>, round: number) {
    const created = await stack.driver.up("Enrollment", name, inputs);
    if (created.op === "failed") throw new Error(created.message);
    const enrollmentId = stack.driver.outputs(name).enrollmentId as number;
    const changeId = stack.driver.outputs(name).pendingChangeId as number;
    await publishRecords(stack, stack.driver.outputs(name).dnsChallenges as Challenges, round);
    const validated = await stack.driver.up("DvValidation", `${name}-dv`, { enrollmentId, timeout: "2m" });
    if (validated.op === "failed") throw new Error(validated.message);
    // The certificate waits on staging for change management; CPS's clock moves two days on, so a
    // window that closes tomorrow (in the future by this machine's clock) has closed for CPS.
    await stack.admin("POST", "/clock/advance", { days: 2 });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const deployInputs = { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" };
    const failed = await stack.driver.up("Deployment", `${name}-prod`, { ...deployInputs, deploymentSchedule: { notAfter: tomorrow } });
    if (failed.op !== "failed") throw new Error(`expected the deployment to fail, got ${failed.op}`);
    return { enrollmentId, changeId, deployInputs, message: failed.message };
  }

  it("names the way out of a deployment-window failure, and the next up takes it", async () => {
    const inputs = enrollmentInputs(ZONE, { sans: [] });
    const { enrollmentId, changeId: failedChangeId, deployInputs, message } = await failAtDeployment("www", inputs, 1);
    expect(message).toContain(`CPS change ${failedChangeId} of enrollment ${enrollmentId} failed`);
    expect(message).toContain("deployment-window-expired");
    expect(message).toContain("remove deploymentSchedule.notAfter");
    expect(message).toContain("set cancelPendingChanges: true on the Enrollment");
    expect(message).toContain("docs/troubleshooting.md#change-failed");

    // Without cancelPendingChanges an edit of the Enrollment does not cancel the change behind the
    // user's back: it refuses, naming the way out, and the change is left as it was.
    const edited = await stack.driver.up("Enrollment", "www", { ...inputs, waitTimeout: "3m" });
    expect(edited.op).toBe("failed");
    if (edited.op === "failed") expect(edited.message).toContain("set cancelPendingChanges: true on the Enrollment");
    expect(((await stack.admin("GET", `/changes/${failedChangeId}`)) as { state: string }).state).toBe("error");

    const resubmitted = await stack.driver.up("Enrollment", "www", { ...inputs, cancelPendingChanges: true });
    if (resubmitted.op === "failed") throw new Error(resubmitted.message);
    const freshChangeId = stack.driver.outputs("www").pendingChangeId as number;
    expect(freshChangeId).not.toBe(failedChangeId);
    expect(((await stack.admin("GET", `/changes/${failedChangeId}`)) as { status: string }).status).toBe("cancelled");
    expect(stack.driver.output.some((l) => l.includes(`cancelling failed change ${failedChangeId}`))).toBe(true);

    // The rest of the stack follows the fresh change to production, the window removed.
    await publishRecords(stack, stack.driver.outputs("www").dnsChallenges as Challenges, 2);
    const revalidated = await stack.driver.up("DvValidation", "www-dv", { enrollmentId, timeout: "2m" });
    if (revalidated.op === "failed") throw new Error(revalidated.message);
    const deployed = await stack.driver.up("Deployment", "www-prod", deployInputs);
    if (deployed.op === "failed") throw new Error(deployed.message);
    expect(stack.driver.outputs("www-prod").changeId).toBe(freshChangeId);
    expect((stack.driver.outputs("www-prod").production as { serialNumber: string } | null)?.serialNumber).toBeTruthy();
  });

  it("with cancelPendingChanges already set, the next preview and up replace the failed change without any input edit", async () => {
    const inputs = enrollmentInputs(ZONE, { commonName: `shop.${ZONE}`, sans: [], cancelPendingChanges: true });
    const { changeId: failedChangeId } = await failAtDeployment("shop", inputs, 3);
    await stack.driver.newRun();
    expect((await stack.driver.preview("Enrollment", "shop", inputs)).changes).toBe("some");
    const resubmitted = await stack.driver.up("Enrollment", "shop", inputs);
    if (resubmitted.op === "failed") throw new Error(resubmitted.message);
    expect(stack.driver.outputs("shop").pendingChangeId).not.toBe(failedChangeId);
    expect(((await stack.admin("GET", `/changes/${failedChangeId}`)) as { status: string }).status).toBe("cancelled");
  });
});
