/**
 * Program-level tests: whole Pulumi programs run by the local engine's CLI (a child process, as a
 * user runs it) against the CPS emulator. The quickstart program (root Pulumi.yaml, what
 * `npm run demo` runs: a Certificate component with Edge DNS, a secure edge hostname and the site's
 * CNAME) for up / the site's DNS+TLS check / drift / repair / destroy refusal; test/program/fixtures/destroyable
 * (the quickstart allowed to delete a live certificate) for kill -9 during DvValidation and destroy.
 * Needs dist/ (the engine CLI and the providers the programs load): `npm test` builds it first.
 */
import * as fs from "fs";
import * as path from "path";
import { killAllEngines, liveProcessesInGroup, PROJECT_ROOT, runEngineCommand, startEngine, waitUntilGroupGone, type EngineExit, type EngineRunOptions } from "./engine-child";
import { EmulatorWorld, ensureSelfLink, readState, resourceTypes, stackOutputs } from "./emulator-world";
import { waitFor } from "./wait";
import { checkSite } from "../../demo/site-check";
import { expectExit } from "../support/expect-exit";

const QUICKSTART_ZONE = "example.test";
const KILL_ZONE = "kill.test";
/** The quickstart's custom resources: the Certificate component's parts, its edge hostname and the site's CNAME. */
const QUICKSTART_RESOURCES = ["Deployment", "DvValidation", "EdgeDnsCnameRecord", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "Enrollment", "SecureEdgeHostname"];

/** Exit code check that shows the engine's output when it fails. */

/** The engine's step lines, e.g. `  ~  www (pulumi-nodejs:dynamic/akamai-cps:Enrollment) update (planned) [diff: …]`. */
function stepLines(output: string): string[] {
  return output.split("\n").filter((line) => /^ {2}(\+-|\+|~|-|!) /.test(line));
}

let world: EmulatorWorld;
let quickstart: EngineRunOptions;
let killStack: EngineRunOptions;

beforeAll(async () => {
  ensureSelfLink();
  world = await EmulatorWorld.start();
  await world.createZone(QUICKSTART_ZONE);
  await world.createZone(KILL_ZONE);
  quickstart = world.stack({ program: PROJECT_ROOT, stack: "quickstart", namespace: "quickstart", zone: QUICKSTART_ZONE });
  killStack = world.stack({ program: path.join(__dirname, "fixtures", "destroyable"), stack: "killed", namespace: "destroyable-certificate", zone: KILL_ZONE });
});

afterAll(async () => {
  await killAllEngines();
  await world?.stop();
});

describe("the quickstart program with the local engine", () => {
  const names = [`www.${QUICKSTART_ZONE}`, QUICKSTART_ZONE, `api.${QUICKSTART_ZONE}`];

  it("up issues, validates, deploys and verifies one certificate, and the site answers with it through its CNAME", async () => {
    const up = await runEngineCommand("up", quickstart);
    expectExit(up, 0);

    const state = readState(quickstart.stateFile);
    const outputs = stackOutputs(state);
    expect(outputs.serialNumber).toMatch(/^[0-9a-f:]{8,}$/i);
    expect(outputs.subjectAltNames).toEqual(expect.arrayContaining(names));
    expect(outputs.subjectAltNames).toHaveLength(names.length);
    expect(outputs.tlsCheck).toMatch(/^OK/);
    expect(up.output).toMatch(/^ +tlsCheck +: "OK/m);

    const enrollments = await world.enrollmentsFor(names[0]!);
    expect(enrollments.map((e) => e.id)).toEqual([outputs.enrollmentId]);
    expect(resourceTypes(state)).toEqual(QUICKSTART_RESOURCES);
    expect(state.pendingOperations).toEqual([]);
    expect(outputs.phase).toBe("OnProduction");
    expect(outputs.edgeHostname).toBe(`www.${QUICKSTART_ZONE}.edgekey.net`);

    // What the demo prints last: the site by its name through the emulator's DNS, then TLS.
    const site = await checkSite({
      site: names[0]!,
      dnsServer: world.emulator.dns!,
      port: Number(world.emulator.production!.split(":").pop()),
      caPem: fs.readFileSync(world.emulator.edgeRoots!, "utf8"),
    });
    expect(site).toMatchObject({ ok: true, cname: `www.${QUICKSTART_ZONE}.edgekey.net`, serialNumber: outputs.serialNumber });
    expect(site.summary).toMatch(/^OK \(DNS through the CNAME, chain, hostname, expiry\)/);
  }, 90_000);

  it("preview after a Control Center edit shows the Enrollment update and writes nothing", async () => {
    const [enrollment] = await world.enrollmentsFor(names[0]!);
    await world.admin("PATCH", `/enrollments/${enrollment!.id}`, { networkConfiguration: { mustHaveCiphers: "ak-akamai-2018q3" } });
    const stateBefore = fs.readFileSync(quickstart.stateFile, "utf8");

    const preview = await runEngineCommand("preview", quickstart);
    expectExit(preview, 0);
    const steps = stepLines(preview.output);
    expect(steps).toContainEqual(expect.stringMatching(/^ {2}~ +www \(.*:Enrollment\) update \(planned\)/));
    expect(preview.output).toMatch(/www: live enrollment \d+ differs from the program in: mustHaveCiphers/);
    // Nothing is planned for deletion or replacement: during a preview the Enrollment's outputs are
    // unknown (as with the Pulumi CLI), and the dependents plan an update for that, not a replacement.
    expect(steps.filter((line) => / delete|replace/.test(line))).toEqual([]);
    expect(fs.readFileSync(quickstart.stateFile, "utf8")).toBe(stateBefore);
    expect(await world.mustHaveCiphers(enrollment!.id)).toBe("ak-akamai-2018q3");
  }, 30_000);

  it("up repairs the drift, and a following preview shows no changes", async () => {
    const [enrollment] = await world.enrollmentsFor(names[0]!);
    const serialBefore = stackOutputs(readState(quickstart.stateFile)).serialNumber;
    const up = await runEngineCommand("up", quickstart);
    expectExit(up, 0);
    // The cipher change is a network-configuration change: CPS deploys it (change management
    // included) with the same certificate; the challenge records stay as they are.
    expect(stepLines(up.output).sort()).toEqual([
      expect.stringMatching(/^ {2}~ +www \(.*:Deployment\) update/),
      expect.stringMatching(/^ {2}~ +www \(.*:DvValidation\) update/),
      expect.stringMatching(/^ {2}~ +www \(.*:Enrollment\) update/),
    ]);
    expect(await world.mustHaveCiphers(enrollment!.id)).toBe("ak-akamai-2020q1");
    // DvValidation does not claim a certificate was issued for a network-settings change.
    expect(up.output).toMatch(/www: change \d+ \([a-z-]+\) is past domain validation .*; it issues no new certificate/);
    expect(up.output).not.toMatch(/certificate issued for/);
    const outputs = stackOutputs(readState(quickstart.stateFile));
    expect(outputs.serialNumber).toBe(serialBefore);
    expect(outputs.tlsCheck).toMatch(/^OK/);
    expect(await world.enrollmentsFor(names[0]!)).toHaveLength(1);

    const preview = await runEngineCommand("preview", quickstart);
    expectExit(preview, 0);
    expect(stepLines(preview.output)).toEqual([]);
    expect(preview.output).toMatch(/^Resources: \d+ unchanged$/m);
  }, 45_000);

  it("destroy refuses before anything is deleted, once, and says how to allow it", async () => {
    const recordsBefore = await world.txtRecords(QUICKSTART_ZONE);
    const destroy = await runEngineCommand("destroy", quickstart);
    expectExit(destroy, 1);
    expect(destroy.output.match(/has a certificate live on the production network/g)).toHaveLength(1);
    // The CNAME goes first in a destroy (it needs the edge hostname's name): it is what refuses.
    expect(destroy.output).toContain(`so the CNAME www.${QUICKSTART_ZONE} to its edge hostname refuses to be deleted`);
    expect(destroy.output).toMatch(/allowDeleteWhileDeployed: true on the Certificate component/);
    expect(destroy.output).toMatch(/\[DeleteRefusedWhileDeployed, see docs\/troubleshooting.md#delete-refused\]/);
    expect(destroy.output).not.toMatch(/^\s+at /m);
    expect(await world.enrollmentsFor(names[0]!)).toHaveLength(1);
    // Nothing was deleted: the CNAME, the edge hostname, the challenge records, the validation and
    // the deployment are all still there, and the site still answers with its certificate.
    expect(resourceTypes(readState(quickstart.stateFile))).toEqual(QUICKSTART_RESOURCES);
    expect(await world.txtRecords(QUICKSTART_ZONE)).toEqual(recordsBefore);
    expect(world.emulator.edgeHostnames.list()).toHaveLength(1);
    const site = await checkSite({
      site: names[0]!,
      dnsServer: world.emulator.dns!,
      port: Number(world.emulator.production!.split(":").pop()),
      caPem: fs.readFileSync(world.emulator.edgeRoots!, "utf8"),
    });
    expect(site.summary).toMatch(/^OK/);
  }, 30_000);
});

describe("a run killed with kill -9 during DvValidation", () => {
  const cn = `www.${KILL_ZONE}`;
  const TEN_MINUTES = 600_000;

  it("up again converges on the same enrollment", async () => {
    // CPS rechecks only when told, and issuing takes ten emulator minutes: DvValidation waits there.
    const fast = await world.stepDurations();
    await world.admin("PUT", "/config/step-durations", { "check-for-cert": TEN_MINUTES, "dv-recheck-interval": TEN_MINUTES });

    const child = startEngine("up", killStack);
    let exitedEarly: EngineExit | undefined;
    void child.exited.then((exit) => (exitedEarly = exit));
    await waitFor(
      "DvValidation to tell CPS the challenges are in place",
      () => {
        if (exitedEarly) throw new Error(`up exited (${exitedEarly.code}) before DvValidation waited:\n${exitedEarly.output}`);
        return /told CPS the dns-01 challenges are in place/.test(child.output()) || undefined;
      },
      45_000,
    );
    await waitFor(
      "the change to wait in check-for-cert",
      async () => {
        const [enrollment] = await world.enrollmentsFor(cn);
        return enrollment?.pendingChangeId && (await world.changeStatus(enrollment.pendingChangeId)) === "check-for-cert" ? true : undefined;
      },
      10_000,
    );

    // The engine, the program and the dynamic-provider host are all alive, and all die together.
    expect(liveProcessesInGroup(child.pid).length).toBeGreaterThanOrEqual(3);
    child.killGroup();
    expect((await child.exited).signal).toBe("SIGKILL");
    await waitUntilGroupGone(child.pid);
    const killed = readState(killStack.stateFile);
    expect(killed.pendingOperations).toEqual([expect.objectContaining({ operation: "creating", urn: expect.stringContaining("DvValidation") })]);
    expect(resourceTypes(killed)).toContain("Enrollment");

    // CPS carries on without us: the certificate gets issued while nobody watches.
    await world.admin("PUT", "/config/step-durations", { "check-for-cert": fast["check-for-cert"], "dv-recheck-interval": fast["dv-recheck-interval"] });
    await world.admin("POST", "/clock/advance", { ms: TEN_MINUTES });

    const up = await runEngineCommand("up", killStack);
    expectExit(up, 0);
    expect(up.output).toMatch(/the previous run was interrupted while creating .*DvValidation/);
    const state = readState(killStack.stateFile);
    expect(stackOutputs(state).tlsCheck).toMatch(/^OK/);
    expect(state.pendingOperations).toEqual([]);
    expect(resourceTypes(state)).toEqual(["Deployment", "DvValidation", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "Enrollment"]);
    const enrollments = await world.enrollmentsFor(cn);
    expect(enrollments.map((e) => e.id)).toEqual([stackOutputs(state).enrollmentId]);
  }, 90_000);

  it("destroy removes the certificate and its challenge records from the emulator", async () => {
    expect((await world.txtRecords(KILL_ZONE)).length).toBeGreaterThan(0);
    const destroy = await runEngineCommand("destroy", killStack);
    expectExit(destroy, 0);
    expect(await world.enrollmentsFor(cn)).toEqual([]);
    expect(await world.txtRecords(KILL_ZONE)).toEqual([]);
    expect(resourceTypes(readState(killStack.stateFile))).toEqual([]);
  }, 30_000);
});
