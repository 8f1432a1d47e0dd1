/**
 * What a user gets from `npm install pulumi-akamai-cps`: the serialized provider stored in state is
 * small, loads the implementation from the installed package, carries no credentials, and works
 * through the real dynamic-provider host running in the user's project.
 */
import { installPackedCopy, PackedCopy, serializeProviderFromModule, startDynamicProviderHost, DynamicProviderHost, dynamicUrn } from "../harness";
import { startEmulator, RunningEmulator } from "../../emulator";
import { PROJECT_ROOT } from "./stack-driver";
import { enrollmentInputs } from "./fixtures";

jest.setTimeout(180_000);

describe("the installed package", () => {
  let copy: PackedCopy;
  let emulator: RunningEmulator;
  let host: DynamicProviderHost | undefined;
  const texts: Record<string, string> = {};

  beforeAll(async () => {
    copy = await installPackedCopy(PROJECT_ROOT);
    emulator = await startEmulator({ createThrottle: false });
    for (const shim of ["enrollmentShim", "dvValidationShim", "deploymentShim", "edgeDnsTxtRecordShim"]) {
      texts[shim] = await serializeProviderFromModule({ cwd: copy.dir, module: "pulumi-akamai-cps/sdk/providers", exportName: shim });
    }
  });
  afterAll(async () => {
    await host?.stop();
    await emulator?.stop();
    await copy?.cleanup();
  });

  it("can be required by its name", () => {
    const pkg = require(require.resolve("pulumi-akamai-cps", { paths: [copy.dir] }));
    expect(typeof pkg.Enrollment).toBe("function");
    expect(typeof pkg.DvValidation).toBe("function");
    expect(typeof pkg.Deployment).toBe("function");
  });

  it("serializes each provider small, requiring the installed implementation", () => {
    for (const text of Object.values(texts)) {
      expect(Buffer.byteLength(text)).toBeLessThan(20 * 1024);
      expect(text).toContain("pulumi-akamai-cps/provider/resources/");
      // No provider code captured by value: the zod schemas and the client stay in the package.
      expect(text).not.toMatch(/EdgeGrid|enrollmentInputsSchema|client_secret/);
    }
  });

  it("captures no credentials, even when they are in the environment of the serializing process", async () => {
    const secret = emulator.credentials.clientSecret;
    process.env.AKAMAI_CLIENT_SECRET = secret;
    try {
      const text = await serializeProviderFromModule({ cwd: copy.dir, module: "pulumi-akamai-cps/sdk/providers", exportName: "enrollmentShim" });
      for (const value of Object.values(emulator.credentials)) expect(text).not.toContain(value);
    } finally {
      delete process.env.AKAMAI_CLIENT_SECRET;
    }
  });

  it("runs Check and Create through the dynamic-provider host of the user's project", async () => {
    host = await startDynamicProviderHost({ cwd: copy.dir });
    await host.configure({
      "pulumi-akamai-cps:edgerc": emulator.edgerc,
      "pulumi-akamai-cps:section": emulator.section,
      "pulumi-akamai-cps:caCertPath": emulator.caCert,
    });
    const urn = dynamicUrn("packaged", { module: "akamai-cps", type: "Enrollment" });
    const news = { ...enrollmentInputs("packaged.test", { changeManagement: false }), __cpsName: "packaged", __provider: texts.enrollmentShim! };
    const checked = await host.check(urn, {}, news);
    expect(checked.failures).toEqual([]);
    const created = await host.create(urn, checked.inputs);
    expect(created.status).toBe("created");
    expect(Number(created.id)).toBeGreaterThan(0);
    expect(Object.keys(created.properties.dnsChallenges as object)).toContain("www.packaged.test");
  });
});
