/**
 * What happens when runs are interrupted, policies refuse, and CPS moves on by itself: the next
 * `pulumi up` resumes with the same enrollment, and renewals surface as changes in preview.
 */
import { dynamicUrn } from "../harness";
import { startTestStack, TestStack, enrollmentInputs, edgeRootsPem } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "resilience.test";
type Challenges = Record<string, { recordName: string; value: string }>;

async function enrollmentsNamed(stack: TestStack, cn: string): Promise<number[]> {
  const list = (await stack.admin("GET", "/enrollments")) as Array<{ id: number; cn: string }>;
  return list.filter((e) => e.cn === cn).map((e) => e.id);
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("interrupted and refused runs resume", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("resumes a create killed after the enrollment was posted, without a duplicate", async () => {
    const cn = `www.${ZONE}`;
    // Slow CSR generation so the provider is still waiting when the process dies.
    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 600_000 });
    const before = stack.emulator.stats().byOperation["post-enrollment"] ?? 0;
    const urn = dynamicUrn("www", { module: "akamai-cps", type: "Enrollment" });
    const news = await stack.driver.news("Enrollment", "www", enrollmentInputs(ZONE));
    const checked = await stack.driver.host.check(urn, {}, news);
    const pending = stack.driver.host.create(urn, checked.inputs).catch((e: unknown) => e);
    await waitFor("the enrollment POST", async () => (stack.emulator.stats().byOperation["post-enrollment"] ?? 0) > before);
    // The id is recorded (journal) and printed the moment the POST returns; kill after that.
    await waitFor("the provider to record the created enrollment", async () => stack.driver.output.some((l) => l.includes("created enrollment")));
    await stack.driver.newRun(); // kill -9 of the provider process, as when `pulumi up` is interrupted
    await pending;
    expect(await enrollmentsNamed(stack, cn)).toHaveLength(1);

    await stack.admin("PUT", "/config/step-durations", { "generate-csr": 200 });
    await stack.admin("POST", "/clock/advance", { seconds: 601 }); // let the slow step finish
    const resumed = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (resumed.op === "failed") throw new Error(resumed.message);
    expect(await enrollmentsNamed(stack, cn)).toEqual([stack.driver.outputs("www").enrollmentId]);
    expect(stack.driver.output.some((l) => l.includes("resuming enrollment"))).toBe(true);
    expect(Object.keys(stack.driver.outputs("www").dnsChallenges as Challenges)).toHaveLength(3);
  });

  it("keeps an enrollment whose warnings were refused in state, and resumes it once the policy allows them", async () => {
    // api.<zone> is already on the first enrollment: CPS raises a pre-verification warning.
    const inputs = enrollmentInputs(ZONE, { commonName: `shop.${ZONE}`, sans: [`api.${ZONE}`] });
    const refused = await stack.driver.up("Enrollment", "shop", inputs);
    expect(refused.op).toBe("failed");
    if (refused.op !== "failed") return;
    expect(refused.message).toMatch(/pre-verification warnings.*(SNI_DNS_OVERLAP|OVERLAPPING_TRAFFIC_CLASS)/s);
    expect(refused.message).toContain("[WarningsRefused, see docs/troubleshooting.md#warnings-refused]");
    expect(refused.state?.id).toMatch(/^\d+$/); // partial state: Pulumi keeps the enrollment
    const id = Number(refused.state!.id);

    // An ID list acknowledges exactly those IDs: the real SNI_DNS_OVERLAP text is refused, and named, under another ID.
    const otherId = await stack.driver.up("Enrollment", "shop", { ...inputs, preVerificationWarnings: ["OVERLAPPING_TRAFFIC_CLASS"] });
    expect(otherId.op).toBe("failed");
    if (otherId.op === "failed") expect(otherId.message).toMatch(/SNI_DNS_OVERLAP: Name \[api\./);
    const allowed = await stack.driver.up("Enrollment", "shop", { ...inputs, preVerificationWarnings: ["SNI_DNS_OVERLAP", "OVERLAPPING_TRAFFIC_CLASS"] });
    if (allowed.op === "failed") throw new Error(allowed.message);
    expect(allowed.op).toBe("update");
    expect(stack.driver.outputs("shop").enrollmentId).toBe(id);
    expect(await enrollmentsNamed(stack, `shop.${ZONE}`)).toEqual([id]);
    expect(Object.keys(stack.driver.outputs("shop").dnsChallenges as Challenges).sort()).toEqual([`api.${ZONE}`, `shop.${ZONE}`]);
  });

  it("surfaces a renewal's new challenges in preview and picks them up on the next up", async () => {
    const id = stack.driver.outputs("www").enrollmentId as number;
    for (const [domain, c] of Object.entries(stack.driver.outputs("www").dnsChallenges as Challenges)) {
      await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value] });
    }
    const v = await stack.driver.up("DvValidation", "www-validation", { enrollmentId: id, timeout: "1m" });
    if (v.op === "failed") throw new Error(v.message);
    const [host, port] = stack.emulator.production!.split(":");
    const d = await stack.driver.up("Deployment", "www-prod", { enrollmentId: id, acknowledgeChangeManagement: true, verify: { host: host!, port: Number(port), caCertPem: edgeRootsPem(stack.emulator) }, timeout: "1m" });
    if (d.op === "failed") throw new Error(d.message);
    const oldChallenges = stack.driver.outputs("www").dnsChallenges as Challenges;

    await stack.admin("POST", "/clock/advance", { days: 75 }); // into the renewal window of a 90-day DV certificate (it opens 20 days before expiry)
    await stack.driver.newRun();
    const preview = await stack.driver.preview("Enrollment", "www", enrollmentInputs(ZONE));
    expect(preview.changes).toBe("some");
    expect(preview.replaces).toEqual([]);

    const renewed = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (renewed.op === "failed") throw new Error(renewed.message);
    const out = stack.driver.outputs("www");
    expect(out.changeType).toBe("renewal");
    const fresh = out.dnsChallenges as Challenges;
    expect(Object.keys(fresh).sort()).toEqual(Object.keys(oldChallenges).sort());
    expect(fresh[`www.${ZONE}`]!.value).not.toBe(oldChallenges[`www.${ZONE}`]!.value);
    // DvValidation and Deployment see the renewal as work to do.
    expect((await stack.driver.preview("DvValidation", "www-validation", { enrollmentId: id, timeout: "1m" })).changes).toBe("some");
    expect((await stack.driver.preview("Deployment", "www-prod", { enrollmentId: id, acknowledgeChangeManagement: true, timeout: "1m" })).changes).toBe("some");
  });

  it("adopts an enrollment created outside Pulumi instead of creating another", async () => {
    const { CpsClient } = await import("../../provider/cps");
    const client = CpsClient.create({ edgercPath: stack.emulator.edgerc, section: stack.emulator.section, caCertPath: stack.emulator.caCert });
    const { enrollmentRequest } = await import("../../provider/resources/enrollment-spec");
    const { enrollmentInputsSchema } = await import("../../provider/resources/enrollment-inputs");
    const inputs = enrollmentInputs(ZONE, { commonName: `legacy.${ZONE}`, sans: [] });
    const { canonicalInputs } = await import("../../provider/resources/deprecated-inputs");
    const made = await client.createEnrollment({ contractId: inputs.contractId, enrollment: enrollmentRequest(enrollmentInputsSchema.parse(canonicalInputs(enrollmentInputsSchema, inputs).props)) });
    client.close();

    const adopted = await stack.driver.up("Enrollment", "legacy", { ...inputs, adoptEnrollmentId: made.enrollmentId });
    if (adopted.op === "failed") throw new Error(adopted.message);
    const out = stack.driver.outputs("legacy");
    expect(out.enrollmentId).toBe(made.enrollmentId);
    expect(out.adopted).toBe(true);
    expect(Object.keys(out.dnsChallenges as Challenges)).toEqual([`legacy.${ZONE}`]);
    expect(await enrollmentsNamed(stack, `legacy.${ZONE}`)).toEqual([made.enrollmentId]);
  });

  it("falls back to state with a warning when CPS cannot be reached during preview", async () => {
    await stack.driver.newRun();
    await stack.admin("PUT", "/faults", { errors: { percent: 100 }, methods: ["GET"] });
    try {
      const preview = await stack.driver.preview("Enrollment", "shop", { ...enrollmentInputs(ZONE, { commonName: `shop.${ZONE}`, sans: [`api.${ZONE}`] }), preVerificationWarnings: ["SNI_DNS_OVERLAP", "OVERLAPPING_TRAFFIC_CLASS"] });
      expect(preview.changes).toBe("none");
      expect(stack.driver.output.some((l) => /could not read live enrollments.*comparing with state only/.test(l))).toBe(true);
    } finally {
      await stack.admin("PUT", "/faults", { errors: { percent: 0 }, methods: null });
    }
  });

  it("creates an enrollment with mutual TLS settings (applied by a follow-up update) and follows the change that leaves", async () => {
    const inputs = enrollmentInputs(ZONE, { commonName: `mtls.${ZONE}`, sans: [], changeManagement: false, clientMutualAuthentication: { setId: "set-123", sendCaListToClient: true } });
    const created = await stack.driver.up("Enrollment", "mtls", inputs);
    if (created.op === "failed") throw new Error(created.message);
    const out = stack.driver.outputs("mtls");
    expect(Object.keys(out.dnsChallenges as Challenges)).toEqual([`mtls.${ZONE}`]);
    const live = (await stack.admin("GET", `/enrollments/${out.enrollmentId}`)) as Record<string, unknown>;
    expect(JSON.stringify(live)).toContain("set-123");
    await stack.driver.newRun();
    expect((await stack.driver.preview("Enrollment", "mtls", inputs)).changes).toBe("none");
  });
});
