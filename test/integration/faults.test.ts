/**
 * The whole DV flow through the engine path while CPS misbehaves: 10 % 5xx, 5 % 429 with
 * Retry-After and 2 % connection resets, seeded. Every resource still converges, with one enrollment.
 */
import { startTestStack, TestStack, enrollmentInputs, edgeRootsPem } from "./fixtures";

jest.setTimeout(180_000);

const ZONE = "faulty.test";
type Challenges = Record<string, { recordName: string; value: string }>;

describe("DV flow under injected faults", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
    await stack.admin("PUT", "/faults", { seed: 7, errors: { percent: 10, status: 503 }, throttles: { percent: 5, retryAfterSeconds: 1 }, resets: { percent: 2 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("converges with exactly one enrollment and a verified deployment", async () => {
    const up = async (kind: Parameters<TestStack["driver"]["up"]>[0], name: string, inputs: Parameters<TestStack["driver"]["up"]>[2]) => {
      const r = await stack.driver.up(kind, name, inputs);
      if (r.op === "failed") throw new Error(`${kind} ${name}: ${r.message}`);
      return r;
    };
    await up("Enrollment", "www", enrollmentInputs(ZONE, { sans: [`api.${ZONE}`] }));
    const cert = stack.driver.outputs("www");
    for (const [domain, c] of Object.entries(cert.dnsChallenges as Challenges)) {
      await up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value] });
    }
    await up("DvValidation", "www-validation", { enrollmentId: cert.enrollmentId as number, timeout: "2m" });
    const [host, port] = stack.emulator.production!.split(":");
    await up("Deployment", "www-prod", {
      enrollmentId: cert.enrollmentId as number,
      acknowledgeChangeManagement: true,
      verify: { host: host!, port: Number(port), caCertPem: edgeRootsPem(stack.emulator) },
      timeout: "2m",
    });
    expect((stack.driver.outputs("www-prod").verification as { ok: boolean }).ok).toBe(true);

    const faults = (await stack.admin("GET", "/faults")) as { injected: Record<string, number> };
    const injected = Object.values(faults.injected).reduce((a, b) => a + b, 0);
    expect(injected).toBeGreaterThan(0); // the run really met faults
    const enrollments = (await stack.admin("GET", "/enrollments")) as Array<{ cn: string }>;
    expect(enrollments.filter((e) => e.cn === `www.${ZONE}`)).toHaveLength(1);
  });
});
