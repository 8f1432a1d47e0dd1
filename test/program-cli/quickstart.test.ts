/**
 * The quickstart program (root Pulumi.yaml, what `npm run demo` runs) through the real Pulumi
 * engine (a Certificate component with Edge DNS, a secure edge hostname and the site's CNAME):
 * `pulumi up` → the site answers through its CNAME → `preview` with no changes → an out-of-band edit in Control Center (the
 * emulator's admin API) → `preview` shows it → `up` repairs it → `refresh` → `destroy` refused
 * while the certificate is live on production.
 * Needs dist/ and the CLI (scripts/pulumi-cli.sh): `npm test` builds both first.
 */
import * as fs from "fs";
import { checkSite } from "../../demo/site-check";
import { EmulatorWorld, ensureSelfLink } from "../program/emulator-world";
import { CliStack, killAllRuns } from "./cli-stack";
import { describeWithPulumiCli, PROJECT_ROOT } from "./pulumi-cli";
import { expectExit } from "../support/expect-exit";

const ZONE = "example.test";
const NAMES = [`www.${ZONE}`, ZONE, `api.${ZONE}`];
/** The quickstart's custom resources: the Certificate component's parts, its edge hostname and the site's CNAME. */
const QUICKSTART_RESOURCES = ["Deployment", "DvValidation", "EdgeDnsCnameRecord", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "Enrollment", "SecureEdgeHostname"];
/** The CLI's count: those, the Certificate component and the stack. */
const CLI_COUNT = QUICKSTART_RESOURCES.length + 2;


/** The CLI's step lines, e.g. ` ~  pulumi-nodejs:dynamic/akamai-cps:Enrollment www update [diff: ~sans]`. */
function stepLines(output: string): string[] {
  return output.split("\n").filter((line) => /^ [+~-]\S* +pulumi-nodejs:dynamic\//.test(line));
}

describeWithPulumiCli("the quickstart program with the Pulumi CLI", (cli) => {
  let world: EmulatorWorld;
  let stack: CliStack;

  beforeAll(async () => {
    ensureSelfLink();
    world = await EmulatorWorld.start();
    await world.createZone(ZONE);
    stack = new CliStack(cli, world.dir, PROJECT_ROOT, "quickstart");
    await stack.init(world.config("quickstart", ZONE));
  }, 60_000);

  afterAll(async () => {
    await killAllRuns();
    await world?.stop();
  });

  it("up issues, validates, deploys and verifies one certificate, and the site answers with it through its CNAME", async () => {
    const up = await stack.run("up");
    expectExit(up, 0);
    expect(up.output).toMatch(new RegExp(`Resources:\\s+\\+ ${CLI_COUNT} created`));

    const outputs = await stack.outputs();
    expect(outputs.tlsCheck).toMatch(/^OK/);
    expect(outputs.subjectAltNames).toEqual(expect.arrayContaining(NAMES));
    const enrollments = await world.enrollmentsFor(NAMES[0]!);
    expect(enrollments.map((e) => e.id)).toEqual([outputs.enrollmentId]);

    const { state } = await stack.exportState();
    expect(state.deployment.pending_operations ?? []).toEqual([]);
    const types = (state.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.type.split(":").pop()).sort();
    expect(types).toEqual(QUICKSTART_RESOURCES);
    expect(outputs.phase).toBe("OnProduction");

    const site = await checkSite({ site: NAMES[0]!, dnsServer: world.emulator.dns!, port: Number(world.emulator.production!.split(":").pop()), caPem: fs.readFileSync(world.emulator.edgeRoots!, "utf8") });
    expect(site).toMatchObject({ ok: true, cname: `www.${ZONE}.edgekey.net`, serialNumber: outputs.serialNumber });
  }, 180_000);

  it("preview right after up shows no changes", async () => {
    const preview = await stack.run("preview", ["--expect-no-changes"]);
    expectExit(preview, 0);
    expect(stepLines(preview.output)).toEqual([]);
  }, 90_000);

  it("preview after a Control Center edit names the resource and the drifted property, and changes nothing", async () => {
    const [enrollment] = await world.enrollmentsFor(NAMES[0]!);
    await world.admin("PATCH", `/enrollments/${enrollment!.id}`, { networkConfiguration: { mustHaveCiphers: "ak-akamai-2018q3" } });
    const before = (await stack.exportState()).text;

    const preview = await stack.run("preview");
    expectExit(preview, 0);
    // The engine names no property for a dynamic provider's diff when the inputs did not change
    // (it diffs inputs itself)...
    expect(stepLines(preview.output)).toContainEqual(expect.stringMatching(/^ ~ +pulumi-nodejs:dynamic\/akamai-cps:Enrollment www update *$/));
    // ...so the provider's own line, shown under the stack's diagnostics, names it.
    expect(preview.output).toMatch(/^Diagnostics:\n(?: .*\n)*? +\[cps\] www: live enrollment \d+ differs from the program in: mustHaveCiphers$/m);
    expect(stepLines(preview.output).filter((line) => /replace|delete/.test(line))).toEqual([]);
    expect((await stack.exportState()).text).toBe(before);
    expect(await world.mustHaveCiphers(enrollment!.id)).toBe("ak-akamai-2018q3");
  }, 90_000);

  it("up repairs the drift on the same enrollment, and a following preview shows no changes", async () => {
    const [enrollment] = await world.enrollmentsFor(NAMES[0]!);
    const serialBefore = (await stack.outputs()).serialNumber;
    const up = await stack.run("up");
    expectExit(up, 0);
    expect(await world.mustHaveCiphers(enrollment!.id)).toBe("ak-akamai-2020q1");
    const outputs = await stack.outputs();
    expect(outputs.serialNumber).toBe(serialBefore);
    expect(outputs.tlsCheck).toMatch(/^OK/);
    expect(await world.enrollmentsFor(NAMES[0]!)).toHaveLength(1);

    expectExit(await stack.run("preview", ["--expect-no-changes"]), 0);
  }, 180_000);

  it("refresh reads every resource back and finds nothing to change", async () => {
    const refresh = await stack.run("refresh");
    expectExit(refresh, 0);
    expect(refresh.output).toMatch(new RegExp(`Resources:\\s+${CLI_COUNT} unchanged`));
  }, 90_000);

  it("destroy refuses to delete the certificate live on production, deletes nothing, and says how to allow it", async () => {
    const destroy = await stack.run("destroy");
    expectExit(destroy, 1);
    expect(destroy.output).toMatch(/has a certificate live on the production network/);
    // The CNAME is the first thing a destroy deletes (it needs the edge hostname's name): it refuses.
    expect(destroy.output).toContain(`so the CNAME www.${ZONE} to its edge hostname refuses to be deleted`);
    expect(destroy.output).toMatch(/allowDeleteWhileDeployed: true on the Certificate component/);
    expect(await world.enrollmentsFor(NAMES[0]!)).toHaveLength(1);
    const { state } = await stack.exportState();
    const types = (state.deployment.resources ?? []).filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/")).map((r) => r.type.split(":").pop()).sort();
    expect(types).toEqual(QUICKSTART_RESOURCES);
    expect((await world.txtRecords(ZONE)).length).toBe(3);
    expect(world.emulator.edgeHostnames.list()).toHaveLength(1);
    const site = await checkSite({ site: NAMES[0]!, dnsServer: world.emulator.dns!, port: Number(world.emulator.production!.split(":").pop()), caPem: fs.readFileSync(world.emulator.edgeRoots!, "utf8") });
    expect(site.summary).toMatch(/^OK/);
  }, 120_000);
});
