/**
 * One certificate (test/program-cli/fixtures/certificate) through the real Pulumi engine, with the
 * API credentials in stack config and the client secret set with `pulumi config set --secret`:
 * the secret never appears in plain text in the checkpoint or in what the CLI prints; a SAN
 * change is an update of the same enrollment, never a replacement; `destroy` removes a live
 * certificate when `allowDeleteWhileDeployed` is set.
 */
import * as fs from "fs";
import * as path from "path";
import { EmulatorWorld, ensureSelfLink } from "../program/emulator-world";
import { CliStack, killAllRuns } from "./cli-stack";
import { describeWithPulumiCli } from "./pulumi-cli";
import { expectExit } from "../support/expect-exit";

const FIXTURE = path.join(__dirname, "fixtures", "certificate");
const ZONE = "secret.test";


describeWithPulumiCli("a certificate whose API client secret is a stack config secret", (cli) => {
  let world: EmulatorWorld;
  let stack: CliStack;
  let secret: string;
  const printed: string[] = [];
  const run = async (command: Parameters<CliStack["run"]>[0], flags: string[] = []) => {
    const result = await stack.run(command, flags);
    printed.push(result.output);
    return result;
  };

  beforeAll(async () => {
    ensureSelfLink();
    world = await EmulatorWorld.start();
    await world.createZone(ZONE);
    const { host, clientToken, clientSecret, accessToken } = world.emulator.credentials;
    secret = clientSecret;
    const { "pulumi-akamai-cps:edgerc": _edgerc, "pulumi-akamai-cps:section": _section, ...rest } = world.config("cli-certificate", ZONE);
    stack = new CliStack(cli, world.dir, FIXTURE, "secrets");
    await stack.init(
      { ...rest, "pulumi-akamai-cps:host": host, "cli-certificate:allowDeleteWhileDeployed": "true" },
      // The CLI refuses `clientToken` and `accessToken` in plain text too ("looks like a secret").
      { "pulumi-akamai-cps:clientSecret": clientSecret, "pulumi-akamai-cps:clientToken": clientToken, "pulumi-akamai-cps:accessToken": accessToken },
    );
  }, 60_000);

  afterAll(async () => {
    await killAllRuns();
    await world?.stop();
  });

  it("up deploys with credentials from config, and the secret is encrypted in the stack's config and state", async () => {
    expect(fs.readFileSync(path.join(stack.workDir, "Pulumi.secrets.yaml"), "utf8")).toMatch(/pulumi-akamai-cps:clientSecret:\s*\n\s+secure: /);
    const up = await run("up");
    expectExit(up, 0);
    expect((await stack.outputs()).tlsCheck).toMatch(/^OK/);
    const { text } = await stack.exportState();
    expect(text).not.toContain(secret);
  }, 180_000);

  it("a SAN change previews as an update of the Enrollment, never a replacement, and up keeps the enrollment", async () => {
    const before = (await stack.outputs()).enrollmentId;
    stack.expectOk(await stack.pulumi(["config", "set", "cli-certificate:sans", JSON.stringify([ZONE, `shop.${ZONE}`])]));
    const preview = await run("preview");
    expectExit(preview, 0);
    expect(preview.output).toMatch(/^ ~ +pulumi-nodejs:dynamic\/akamai-cps:Enrollment www update \[diff: ~sans\]/m);
    expect(preview.output).not.toMatch(/replace/);

    const up = await run("up");
    expectExit(up, 0);
    const outputs = await stack.outputs();
    expect(outputs.enrollmentId).toBe(before);
    expect(outputs.subjectAltNames).toEqual(expect.arrayContaining([`shop.${ZONE}`]));
    expect((await world.enrollmentsFor(`www.${ZONE}`)).map((e) => e.id)).toEqual([before]);
  }, 240_000);

  it("destroy removes the live certificate when allowDeleteWhileDeployed is set, and nothing printed held the secret", async () => {
    const destroy = await run("destroy");
    expectExit(destroy, 0);
    expect(await world.enrollmentsFor(`www.${ZONE}`)).toEqual([]);
    expect(await world.txtRecords(ZONE)).toEqual([]);
    expect(printed.join("\n")).not.toContain(secret);
    expect((await stack.exportState()).text).not.toContain(secret);
  }, 120_000);
});
