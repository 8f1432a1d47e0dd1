/**
 * What a user gets from `npm install pulumi-akamai-cps`: the serialized provider stored in state is
 * small, loads the implementation from the installed package, carries no credentials, and works
 * through the real dynamic-provider host running in the user's project.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installPackedCopy, PackedCopy, serializeProviderFromModule, startDynamicProviderHost, DynamicProviderHost, dynamicUrn } from "../harness";
import { startEmulator, RunningEmulator } from "../../emulator";
import { PROJECT_ROOT } from "./stack-driver";
import { enrollmentInputs } from "./fixtures";

jest.setTimeout(180_000);

/** Where a user's program gets the shims: the root module loads this file of the installed copy. */
const providersModule = (copy: PackedCopy): string => path.join(copy.packageDir, "dist", "sdk", "providers.js");

/** The `provider/resources/<file>` modules the SDK's shims `require` at run time (every `lazyProvider("<file>", …)` in sdk/). */
function shimTargets(): string[] {
  const sdkDir = path.join(PROJECT_ROOT, "sdk");
  const files = fs.readdirSync(sdkDir).filter((f) => f.endsWith(".ts"));
  const targets = files.flatMap((f) => [...fs.readFileSync(path.join(sdkDir, f), "utf8").matchAll(/lazyProvider\("([^"]+)"/g)].map((m) => m[1]!));
  return [...new Set(targets)].sort();
}

/** Resolves `specifier` with plain Node from the user's project, as a program would: the error code, or "ok". */
function resolveInProject(dir: string, specifier: string): Promise<string> {
  const script = `try { require.resolve(process.argv[1]); console.log("ok"); } catch (e) { console.log(e.code || String(e)); }`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", script, specifier], { cwd: dir }, (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
  });
}

describe("the installed package", () => {
  let copy: PackedCopy;
  let emulator: RunningEmulator;
  let host: DynamicProviderHost | undefined;
  const texts: Record<string, string> = {};

  beforeAll(async () => {
    copy = await installPackedCopy(PROJECT_ROOT);
    emulator = await startEmulator({ rateLimits: { enabled: false }, createThrottle: false }); // not a test of the account budget
    for (const shim of ["enrollmentShim", "dvValidationShim", "deploymentShim", "edgeDnsTxtRecordShim"]) {
      texts[shim] = await serializeProviderFromModule({ cwd: copy.dir, module: providersModule(copy), exportName: shim });
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

  it("exports the root, the emulator, the local engine and what the provider shims require, and nothing else", async () => {
    const targets = shimTargets();
    expect(targets).toEqual(expect.arrayContaining(["enrollment", "dv-validation", "deployment", "edge-dns-txt-record", "certificate-upload"]));
    const exported = ["pulumi-akamai-cps", "pulumi-akamai-cps/emulator", "pulumi-akamai-cps/engine", "pulumi-akamai-cps/package.json", ...targets.map((t) => `pulumi-akamai-cps/provider/resources/${t}`)];
    for (const specifier of exported) expect([specifier, await resolveInProject(copy.dir, specifier)]).toEqual([specifier, "ok"]);
    const internal = ["pulumi-akamai-cps/provider/cps/client", "pulumi-akamai-cps/provider/resources/check", "pulumi-akamai-cps/sdk/providers", "pulumi-akamai-cps/emulator/cli", "pulumi-akamai-cps/dist/engine", "pulumi-akamai-cps/dist/index.js"];
    for (const specifier of internal) expect([specifier, await resolveInProject(copy.dir, specifier)]).toEqual([specifier, "ERR_PACKAGE_PATH_NOT_EXPORTED"]);
  });

  it("gives what the README, emulator/README.md and engine/README.md import from it", async () => {
    const script = `const p = (s) => require(s); console.log(JSON.stringify([typeof p("pulumi-akamai-cps").Enrollment, typeof p("pulumi-akamai-cps/emulator").startEmulator, typeof p("pulumi-akamai-cps/engine").runEngine]))`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["-e", script], { cwd: copy.dir }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))),
    );
    expect(JSON.parse(out)).toEqual(["function", "function", "function"]);
  });

  it("ships no tests, fixtures or bench code", () => {
    const shipped: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (full !== path.join(copy.packageDir, "node_modules")) walk(full);
        } else shipped.push(path.relative(copy.packageDir, full));
      }
    };
    walk(copy.packageDir);
    expect(shipped).toContain("dist/index.js");
    expect(shipped.filter((f) => /(^|\/)(test|bench|demo|fixtures)\/|\.test\./.test(f))).toEqual([]);
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
      const text = await serializeProviderFromModule({ cwd: copy.dir, module: providersModule(copy), exportName: "enrollmentShim" });
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
