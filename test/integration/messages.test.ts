/**
 * Refusals and failures that say what to do, through the dynamic-provider host and the emulator:
 * a duplicate common name names the enrollment holding it and the input to set (not the API's
 * query flag); an enrollment deleted while DvValidation waits is reported as gone, with the way
 * back, instead of a bare 404 on its change.
 */
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "messages.test";

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("messages that say what to do", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a duplicate common name names the enrollment holding it and allowDuplicateCommonName", async () => {
    const first = await stack.driver.up("Enrollment", "first", enrollmentInputs(ZONE, { commonName: `dup.${ZONE}`, sans: [] }));
    if (first.op === "failed") throw new Error(first.message);
    const holder = stack.driver.outputs("first").enrollmentId as number;
    const second = await stack.driver.up("Enrollment", "second", enrollmentInputs(ZONE, { commonName: `dup.${ZONE}`, sans: [`other.${ZONE}`] }));
    expect(second.op).toBe("failed");
    if (second.op !== "failed") return;
    expect(second.message).toContain(`Enrollment ${holder} already holds this common name`);
    expect(second.message).toContain("set allowDuplicateCommonName: true on the Enrollment");
    expect(second.message).toContain(`adoptEnrollmentId: ${holder}`);
    expect(second.message).toContain("docs/troubleshooting.md#duplicate-common-name");
  });

  it("an enrollment deleted while DvValidation waits is reported as gone, with the way back", async () => {
    const created = await stack.driver.up("Enrollment", "gone", enrollmentInputs(ZONE, { commonName: `gone.${ZONE}`, sans: [] }));
    if (created.op === "failed") throw new Error(created.message);
    const enrollmentId = stack.driver.outputs("gone").enrollmentId as number;
    const changeId = stack.driver.outputs("gone").pendingChangeId as number;
    // No records are published: CPS keeps the domain pending and DvValidation keeps waiting.
    const waiting = stack.driver.up("DvValidation", "gone-dv", { enrollmentId, checkPropagation: false, timeout: "2m" });
    await waitFor("DvValidation to tell CPS the challenges are in place", () => stack.driver.output.some((l) => l.includes("[cps] gone-dv: told CPS")));
    await stack.admin("DELETE", `/enrollments/${enrollmentId}`);
    const result = await waiting;
    expect(result.op).toBe("failed");
    if (result.op !== "failed") return;
    expect(result.message).toContain(`Enrollment ${enrollmentId} no longer exists in CPS (deleted outside Pulumi while this DvValidation waited for change ${changeId})`);
    expect(result.message).toContain("the Enrollment sees it is gone and creates it again");
    expect(result.message).not.toMatch(/failed: 404/);
  });
});
