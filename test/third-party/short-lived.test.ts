/**
 * A third-party certificate that expires inside CPS's renewal window (60 days) is uploaded, with a
 * warning that says what will happen: CPS renews it at once, and every `pulumi up` issues another.
 * Through the dynamic-provider host against the emulator, with a local test CA.
 */
import { toPropertyMap } from "../harness";
import { startTestStack, TestStack, enrollmentInputs } from "../integration/fixtures";
import { createIntermediate, createRoot, issueFromCsr } from "./test-ca";

jest.setTimeout(120_000);

const ZONE = "short.test";
const DAY = 86_400_000;

describe("a short-lived third-party certificate", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("is uploaded with a warning naming the renewal window and the fix", async () => {
    const created = await stack.driver.up("Enrollment", "tp", enrollmentInputs(ZONE, { validationType: "third-party", changeManagement: false }));
    if (created.op === "failed") throw new Error(created.message);
    const out = stack.driver.outputs("tp");
    const intermediate = await createIntermediate(await createRoot());
    const certificatePem = await issueFromCsr(intermediate, (out.csrs as { rsa: string }).rsa, { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 45 * DAY) });
    const inputs = { enrollmentId: out.enrollmentId, certificates: [{ keyAlgorithm: "RSA", certificatePem, trustChainPem: intermediate.pem }], timeout: "1m" };
    const result = await stack.driver.up("CertificateUpload", "upload", toPropertyMap(inputs));
    if (result.op === "failed") throw new Error(result.message);
    expect(stack.driver.output.join("\n")).toMatch(
      /warning: the RSA certificate expires in (44|45) day\(s\), inside CPS's 60-day renewal window for third-party certificates: CPS will open a renewal as soon as it is deployed/,
    );
  });
});
