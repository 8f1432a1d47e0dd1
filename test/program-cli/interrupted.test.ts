/**
 * Interrupted and refused runs on the real engine, and what a user types next (the recovery
 * docs/troubleshooting.md documents):
 * - `kill -9` of `pulumi up` (with the program and the plugins it started) while DvValidation
 *   waits for CPS: the checkpoint keeps a pending create and the stack lock stays behind;
 * - a `pulumi up` refused on pre-verification warnings keeps the enrollment in state, and the
 *   next `up` with the warnings allowed continues that enrollment.
 */
import * as path from "path";
import { EmulatorWorld, ensureSelfLink } from "../program/emulator-world";
import { waitFor } from "../program/wait";
import { CliStack, killAllRuns, type CliExit } from "./cli-stack";
import { isAlive, processTree } from "./processes";
import { describeWithPulumiCli } from "./pulumi-cli";
import { expectExit } from "../support/expect-exit";

const FIXTURE = path.join(__dirname, "fixtures", "certificate");
const TEN_MINUTES = 600_000;


describeWithPulumiCli("runs of the Pulumi CLI that were interrupted or refused", (cli) => {
  let world: EmulatorWorld;

  beforeAll(async () => {
    ensureSelfLink();
    world = await EmulatorWorld.start();
  }, 60_000);

  afterAll(async () => {
    await killAllRuns();
    await world?.stop();
  });

  it("kill -9 during DvValidation, then the documented recovery converges on one enrollment", async () => {
    const zone = "kill.test";
    const cn = `www.${zone}`;
    await world.createZone(zone);
    const stack = new CliStack(cli, world.dir, FIXTURE, "killed");
    await stack.init({ ...world.config("cli-certificate", zone), "cli-certificate:allowDeleteWhileDeployed": "true" });

    // CPS rechecks only when told, and issuing takes ten emulator minutes: DvValidation waits there.
    const fast = await world.stepDurations();
    await world.admin("PUT", "/config/step-durations", { "check-for-cert": TEN_MINUTES, "dv-recheck-interval": TEN_MINUTES });
    const child = stack.start("up");
    let exitedEarly: CliExit | undefined;
    void child.exited.then((exit) => (exitedEarly = exit));
    await waitFor(
      "DvValidation to tell CPS the challenges are in place",
      () => {
        if (exitedEarly) throw new Error(`up exited (${exitedEarly.code}) before DvValidation waited:\n${exitedEarly.output}`);
        return /told CPS the dns-01 challenges are in place/.test(child.output()) || undefined;
      },
      120_000,
    );
    await waitFor(
      "the change to wait in check-for-cert",
      async () => {
        const [enrollment] = await world.enrollmentsFor(cn);
        return enrollment?.pendingChangeId && (await world.changeStatus(enrollment.pendingChangeId)) === "check-for-cert" ? true : undefined;
      },
      20_000,
    );

    // The runner (hosting the program), `pulumi` and the dynamic-provider plugin die together.
    const tree = processTree(child.pid);
    expect(tree.map((p) => p.comm)).toEqual(expect.arrayContaining(["pulumi"]));
    child.killAll();
    expect((await child.exited).signal).toBe("SIGKILL");
    await waitFor("every process of the run to be gone", () => (tree.every((p) => !isAlive(p.pid)) ? true : undefined), 10_000);

    const killed = (await stack.exportState()).state;
    expect(killed.deployment.pending_operations).toEqual([{ resource: expect.objectContaining({ urn: expect.stringContaining("DvValidation") }), type: "creating" }]);
    expect((killed.deployment.resources ?? []).map((r) => r.type)).toContainEqual(expect.stringMatching(/:Enrollment$/));

    // CPS carries on without us: the certificate gets issued while nobody watches.
    await world.admin("PUT", "/config/step-durations", { "check-for-cert": fast["check-for-cert"], "dv-recheck-interval": fast["dv-recheck-interval"] });
    await world.admin("POST", "/clock/advance", { ms: TEN_MINUTES });

    // What the real CLI does next, and what docs/troubleshooting.md tells the user to type:
    // 1. `pulumi up` is refused: the killed run's lock is still there.
    const locked = await stack.run("up");
    expectExit(locked, 1);
    expect(locked.output).toMatch(/the stack is currently locked by 1 lock\(s\).*`pulumi cancel`/s);
    // 2. `pulumi cancel` removes it.
    expect(stack.expectOk(await stack.pulumi(["cancel", "--yes"])).output).toMatch(/has been canceled/);
    // 3. `pulumi refresh --clear-pending-creates` drops the pending create (CPS keeps the enrollment, which is in state).
    const refresh = await stack.run("refresh", ["--clear-pending-creates"]);
    expectExit(refresh, 0);
    expect((await stack.exportState()).state.deployment.pending_operations ?? []).toEqual([]);
    // 4. `pulumi up` creates DvValidation again, which finds the certificate issued, and deploys it.
    const up = await stack.run("up");
    expectExit(up, 0);
    const outputs = await stack.outputs();
    expect(outputs.tlsCheck).toMatch(/^OK/);
    const { state } = await stack.exportState();
    expect(state.deployment.pending_operations ?? []).toEqual([]);
    expect(up.output).not.toMatch(/pending operations/);
    expect((await world.enrollmentsFor(cn)).map((e) => e.id)).toEqual([outputs.enrollmentId]);
  }, 400_000);

  it("an up refused on pre-verification warnings keeps the enrollment, and the next up with them allowed continues it", async () => {
    const zone = "warned.test";
    await world.createZone(zone);
    // The first certificate holds api.<zone>; a second one naming it again makes CPS warn.
    const first = new CliStack(cli, world.dir, FIXTURE, "first");
    await first.init({ ...world.config("cli-certificate", zone), "cli-certificate:sans": JSON.stringify([`api.${zone}`]), "cli-certificate:deploy": "false" });
    expectExit(await first.run("up"), 0);

    const second = new CliStack(cli, world.dir, FIXTURE, "second");
    await second.init({ ...world.config("cli-certificate", zone), "cli-certificate:commonName": `shop.${zone}`, "cli-certificate:sans": JSON.stringify([`api.${zone}`]), "cli-certificate:deploy": "false" });
    const refused = await second.run("up");
    expectExit(refused, 1);
    expect(refused.output).toMatch(/pre-verification warnings.*(SNI_DNS_OVERLAP|OVERLAPPING_TRAFFIC_CLASS)/s);
    const kept = (await second.exportState()).state.deployment.resources?.find((r) => r.type.endsWith(":Enrollment"));
    expect(kept?.id).toMatch(/^\d+$/);

    second.expectOk(await second.pulumi(["config", "set", "cli-certificate:preVerificationWarnings", JSON.stringify(["SNI_DNS_OVERLAP", "OVERLAPPING_TRAFFIC_CLASS"])]));
    const allowed = await second.run("up");
    expectExit(allowed, 0);
    expect(allowed.output).toMatch(/^ ~ +pulumi-nodejs:dynamic\/akamai-cps:Enrollment www updated/m);
    expect((await second.outputs()).enrollmentId).toBe(Number(kept!.id));
    expect((await world.enrollmentsFor(`shop.${zone}`)).map((e) => e.id)).toEqual([Number(kept!.id)]);
  }, 300_000);
});
