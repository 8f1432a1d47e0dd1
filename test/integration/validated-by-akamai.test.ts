/**
 * CPS's automated challenge completion through the engine path: a live certificate with its secure
 * edge hostname, `new.<zone>` CNAMEd to that edge hostname, then `new.<zone>` added as a SAN. The
 * DvValidation finishes without any TXT record for `new.<zone>` and says Akamai validated it.
 */
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(180_000);

const ZONE = "akamai-validated.test";
const NEW = `new.${ZONE}`;
type Challenges = Record<string, { recordName: string; value: string }>;
const EDGE_INPUTS = { contractId: "K-0N7RAK71", groupId: "grp_12345", productId: "prd_Fresca", domainPrefix: `www.${ZONE}`, timeout: "1m" };

async function publish(stack: TestStack, challenges: Challenges, skip: string[] = []): Promise<void> {
  for (const [domain, c] of Object.entries(challenges)) {
    if (skip.includes(domain)) continue;
    const r = await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
    if (r.op === "failed") throw new Error(r.message);
  }
}

describe("a SAN CNAMEd to the certificate's edge hostname", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("is validated by Akamai with no TXT record, and DvValidation says so", async () => {
    const created = await stack.driver.up("Enrollment", "site", enrollmentInputs(ZONE));
    if (created.op === "failed") throw new Error(created.message);
    const enrollmentId = stack.driver.outputs("site").enrollmentId as number;
    await publish(stack, stack.driver.outputs("site").dnsChallenges as Challenges);
    const first = await stack.driver.up("DvValidation", "site-validation", { enrollmentId, timeout: "2m" });
    if (first.op === "failed") throw new Error(first.message);
    const deployment = await stack.driver.up("Deployment", "site-prod", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" });
    if (deployment.op === "failed") throw new Error(deployment.message);
    const edge = await stack.driver.up("SecureEdgeHostname", "site-edge", { ...EDGE_INPUTS, enrollmentId });
    if (edge.op === "failed") throw new Error(edge.message);
    const cname = await stack.driver.up("EdgeDnsCnameRecord", "new-cname", { zone: ZONE, name: NEW, target: stack.driver.outputs("site-edge").edgeHostname as string });
    if (cname.op === "failed") throw new Error(cname.message);
    // names validated through their tokens are not reported as validated by Akamai
    expect(JSON.stringify(stack.driver.outputs("site-validation").domainStatus)).not.toContain("validatedByAkamai");

    const withNew = await stack.driver.up("Enrollment", "site", enrollmentInputs(ZONE, { sans: [ZONE, `api.${ZONE}`, NEW] }));
    if (withNew.op === "failed") throw new Error(withNew.message);
    const challenges = stack.driver.outputs("site").dnsChallenges as Challenges;
    expect(Object.keys(challenges)).toContain(NEW);
    // the other names get their new values; nothing is published for new.<zone>
    await publish(stack, challenges, [NEW]);

    const before = stack.driver.output.length;
    const validation = await stack.driver.up("DvValidation", "site-validation", { enrollmentId, timeout: "2m" });
    if (validation.op === "failed") throw new Error(validation.message);
    expect(validation.op).toBe("update");
    const out = stack.driver.outputs("site-validation");
    expect(out.validatedDomains).toContain(NEW);
    const domainStatus = out.domainStatus as Record<string, { validationStatus: string; validatedByAkamai?: boolean }>;
    expect(domainStatus[NEW]).toMatchObject({ validationStatus: "VALIDATED", validatedByAkamai: true });
    expect(domainStatus[`www.${ZONE}`]?.validatedByAkamai).toBeUndefined();
    const lines = stack.driver.output.slice(before);
    expect(lines.some((l) => l.includes(`${NEW}: validated by Akamai: the name is CNAMEd to this certificate's edge hostname`))).toBe(true);
    expect(lines.some((l) => /validated by Akamai/.test(l) && l.includes(`www.${ZONE}`))).toBe(false);
    // no TXT record for new.<zone> was ever published
    expect(stack.driver.states.has(`acme-${NEW}`)).toBe(false);
  });
});
