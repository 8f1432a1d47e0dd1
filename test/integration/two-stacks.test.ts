/**
 * Two stacks of one account declare an Enrollment with the same common name (a copy of a stack, a
 * second CI job). Neither may take, change or delete the other's enrollment: a resource resumes only
 * what its own interrupted create recorded; everything else with the name is reported with the
 * `adoptEnrollmentId` advice, and CPS's duplicate-common-name rule applies.
 */
import * as fs from "fs";
import * as path from "path";
import { dynamicUrn, type PropertyMap } from "../harness";
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";
import type { StackDriver } from "./stack-driver";

jest.setTimeout(120_000);

const ZONE = "twostacks.test";
const CN = `www.${ZONE}`;

async function enrollmentsNamed(stack: TestStack, cn: string): Promise<number[]> {
  const list = (await stack.admin("GET", "/enrollments")) as Array<{ id: number; cn: string }>;
  return list.filter((e) => e.cn === cn).map((e) => e.id);
}

async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start a create of `name` on `driver` and return once the provider has printed the enrollment id (then the run can be killed). */
async function startCreate(driver: StackDriver, name: string, inputs: PropertyMap): Promise<{ id: number; pending: Promise<unknown> }> {
  const urn = dynamicUrn(name, { module: "akamai-cps", type: "Enrollment" });
  const checked = await driver.host.check(urn, {}, await driver.news("Enrollment", name, inputs));
  const pending = driver.host.create(urn, checked.inputs).catch((e: unknown) => e);
  let id = 0;
  await waitFor("the provider to print the created enrollment", () => {
    const line = driver.output.find((l) => l.includes(`${name}: created enrollment`));
    id = line ? Number(/created enrollment (\d+)/.exec(line)![1]) : 0;
    return id > 0;
  });
  return { id, pending };
}

describe("two stacks, one common name", () => {
  let stack: TestStack;
  let a: StackDriver;
  let b: StackDriver;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
    a = stack.driver;
    b = await stack.otherStack("organization/integration/copy");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("B never takes A's enrollment, whether A is creating, killed, or done; destroying B leaves A's alone", async () => {
    // A is creating and waits for CPS (slow CSR generation) when B starts.
    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 600_000 });
    const first = await startCreate(a, "www", enrollmentInputs(ZONE));

    const whileCreating = await b.up("Enrollment", "www", enrollmentInputs(ZONE));
    expect(whileCreating.op).toBe("failed");
    if (whileCreating.op !== "failed") return;
    expect(whileCreating.state).toBeUndefined(); // nothing of A's lands in B's state
    expect(whileCreating.message).toContain(`enrollment ${first.id} (created `);
    expect(whileCreating.message).toContain("not in this resource's state");
    expect(whileCreating.message).toContain(`adoptEnrollmentId: ${first.id}`);
    expect(b.output.some((l) => l.includes("resuming enrollment"))).toBe(false);

    // A is killed (kill -9 of the provider process); B runs again: still refused.
    await a.newRun();
    await first.pending;
    const afterKill = await b.up("Enrollment", "www", enrollmentInputs(ZONE));
    expect(afterKill.op).toBe("failed");

    // A runs again: it resumes its own enrollment.
    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 200 });
    await stack.admin("POST", "/clock/advance", { seconds: 601 });
    const resumed = await a.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (resumed.op === "failed") throw new Error(resumed.message);
    expect(a.outputs("www").enrollmentId).toBe(first.id);
    expect(a.output.some((l) => l.includes(`resuming enrollment ${first.id}`))).toBe(true);

    // Destroying B (which holds nothing) removes nothing; A's enrollment is the only one and still there.
    await b.destroy("www");
    expect(await enrollmentsNamed(stack, CN)).toEqual([first.id]);
    expect(b.states.size).toBe(0);
  });

  it("with allowDuplicateCommonName B creates its own second enrollment, and destroying B deletes only that one", async () => {
    const own = a.outputs("www").enrollmentId as number;
    const created = await b.up("Enrollment", "www", enrollmentInputs(ZONE, { allowDuplicateCommonName: true, preVerificationWarnings: ["SNI_DNS_OVERLAP"] }));
    if (created.op === "failed") throw new Error(created.message);
    const theirs = b.outputs("www").enrollmentId as number;
    expect(theirs).not.toBe(own);
    expect(b.output.some((l) => l.includes(`enrollment ${own} (created `) && l.includes("not taken over"))).toBe(true);
    await b.destroy("www");
    expect(await enrollmentsNamed(stack, CN)).toEqual([own]);
  });
});

describe("a create whose POST got no answer", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("is reported, not taken, and adoptEnrollmentId leads back to the same enrollment", async () => {
    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 600_000 });
    const first = await startCreate(stack.driver, "www", enrollmentInputs(ZONE));
    await stack.driver.newRun();
    await first.pending;
    // Make it as if the run died after CPS handled the POST but before its answer arrived:
    // the journal holds the intent, not the id.
    const dir = stack.journalDir;
    for (const f of fs.readdirSync(dir)) {
      const entry = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Record<string, unknown>;
      delete entry.enrollmentId;
      fs.writeFileSync(path.join(dir, f), JSON.stringify(entry));
    }

    const next = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    expect(next.op).toBe("failed");
    if (next.op !== "failed") return;
    expect(next.state).toBeUndefined();
    expect(next.message).toContain(`enrollment ${first.id} (created `);
    expect(next.message).toContain("after this resource's unanswered POST");
    expect(next.message).toContain(`adoptEnrollmentId: ${first.id}`);
    expect(await enrollmentsNamed(stack, CN)).toEqual([first.id]);

    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 200 });
    await stack.admin("POST", "/clock/advance", { seconds: 601 });
    const adopted = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE, { adoptEnrollmentId: first.id }));
    if (adopted.op === "failed") throw new Error(adopted.message);
    expect(stack.driver.outputs("www").enrollmentId).toBe(first.id);
    expect(await enrollmentsNamed(stack, CN)).toEqual([first.id]);
  });

  it("an import through Read (no inputs in state) plans no replacement, which would delete the enrollment", async () => {
    const id = String(stack.driver.outputs("www").enrollmentId);
    const urn = dynamicUrn("imported", { module: "akamai-cps", type: "Enrollment" });
    const news = await stack.driver.news("Enrollment", "imported", enrollmentInputs(ZONE));
    // The dynamic-provider host needs the serialized provider to read at all; nothing else is known.
    const imported = await stack.driver.host.read(id, urn, { __provider: news.__provider! }, {});
    expect(imported.id).toBe(id);
    const checked = await stack.driver.host.check(urn, {}, news);
    const diff = await stack.driver.host.diff(id, urn, imported.properties, checked.inputs, {});
    expect(diff.replaces).toEqual([]);
  });
});
