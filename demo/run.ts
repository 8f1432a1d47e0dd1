/**
 * `npm run demo`: from a fresh clone to a site served with its new certificate, with no Akamai
 * account and no Pulumi account. Starts the CPS emulator (builtin CA, real DNS, TLS edge listeners)
 * on ephemeral loopback ports, points the quickstart program (root Pulumi.yaml: a `Certificate`
 * with Edge DNS, a secure edge hostname and the site's CNAME to it) at it, and runs `pulumi up` —
 * with the Pulumi CLI when it is on PATH, otherwise with this project's local engine. Then it checks
 * the site as a user would (demo/site-check.ts): the site's name through the emulator's DNS and
 * its CNAME, TLS with SNI = the site's name, chain, name and expiry. Exits 0 only when that passed.
 */
import { spawnSync, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, RunningEmulator } from "../emulator";
import { runEngine, unwrapSecrets, PropertyValue } from "../engine";
import { prepareWorkDir, runWithPulumiCli } from "../automation/run";
import { checkSite } from "./site-check";

const ROOT = path.resolve(__dirname, "..", "..");
const STACK = "demo";
const ZONE = "example.test";

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The program imports "pulumi-akamai-cps": in a clone that is this checkout's own build. */
function linkSelf(): void {
  const link = path.join(ROOT, "node_modules", "pulumi-akamai-cps");
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync("..", link, "dir");
  }
}

function yamlConfig(values: Record<string, string>): string {
  return "config:\n" + Object.entries(values).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n") + "\n";
}

/** `pulumi version` of the CLI on PATH, or undefined when there is none. */
function pulumiCliVersion(): string | undefined {
  const r = spawnSync("pulumi", ["version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: "inherit" });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/**
 * The real engine: the `pulumi` on PATH, offline (its own PULUMI_HOME, a file:// backend, a
 * passphrase secrets provider), running the quickstart through the Automation API as an inline
 * program, which needs no Node.js language host (automation/run.ts says why).
 */
async function withPulumiCli(tmp: string, config: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const workDir = path.join(tmp, "workspace");
  prepareWorkDir(workDir, ROOT);
  const backend = path.join(tmp, "backend");
  fs.mkdirSync(backend);
  const offline = {
    PULUMI_HOME: path.join(tmp, "pulumi-home"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: randomBytes(16).toString("hex"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const env = { ...process.env, ...offline };
  const pulumi = (args: string[]) => run("pulumi", [...args, "--stack", STACK, "--non-interactive"], workDir, env);
  if ((await pulumi(["stack", "init"])) !== 0) return undefined;
  for (const [k, v] of Object.entries(config)) if ((await pulumi(["config", "set", k, v])) !== 0) return undefined;
  if ((await runWithPulumiCli({ command: "up", programDir: ROOT, workDir, stack: STACK, env: offline })) !== 0) return undefined;
  if ((await runWithPulumiCli({ command: "preview", programDir: ROOT, workDir, stack: STACK, env: offline, expectNoChanges: true })) !== 0) say("warning: the preview after `up` was not empty");
  const out = spawnSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", STACK], { cwd: workDir, env, encoding: "utf8" });
  return out.status === 0 ? (JSON.parse(out.stdout) as Record<string, unknown>) : undefined;
}

async function withLocalEngine(tmp: string, config: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const configFile = path.join(tmp, `Pulumi.${STACK}.yaml`);
  fs.writeFileSync(configFile, yamlConfig(config));
  const stateFile = path.join(tmp, "state.json");
  const up = await runEngine({ command: "up", cwd: ROOT, stack: STACK, stateFile, configFile });
  if (up.exitCode !== 0) return undefined;
  const preview = await runEngine({ command: "preview", cwd: ROOT, stack: STACK, stateFile, configFile });
  if (preview.exitCode !== 0) say("warning: the preview after `up` failed");
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(up.outputs)) outputs[k] = unwrapSecrets(v as PropertyValue);
  return outputs;
}

async function main(): Promise<number> {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cps-demo-"));
  let emulator: RunningEmulator | undefined;
  const cleanup = async () => {
    await emulator?.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => {
    say("\ninterrupted: stopping the emulator and cleaning up");
    void cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    linkSelf();
    say("Starting the CPS emulator (builtin CA, DNS, staging and production edges) on loopback...");
    emulator = await startEmulator({ dataDir: path.join(tmp, "emulator") });
    if (!emulator.dns || !emulator.production || !emulator.edgeRoots) throw new Error("the emulator did not start its DNS server and edge listeners");
    const res = await fetch(`${emulator.admin}/dns/zones`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ zone: ZONE }) });
    if (!res.ok) throw new Error(`could not create the ${ZONE} zone in the emulator: ${res.status} ${await res.text()}`);
    say(`  API ${emulator.api}, DNS ${emulator.dns}, production edge ${emulator.production}`);

    const config = {
      "pulumi-akamai-cps:edgerc": emulator.edgerc,
      "pulumi-akamai-cps:section": emulator.section,
      "pulumi-akamai-cps:caCertPath": emulator.caCert,
      "pulumi-akamai-cps:dnsResolvers": emulator.dns,
      "quickstart:zone": ZONE,
      "quickstart:productionEdge": emulator.production,
      "quickstart:edgeRootsFile": emulator.edgeRoots,
    };
    let outputs: Record<string, unknown> | undefined;
    const cliVersion = pulumiCliVersion();
    if (cliVersion) {
      say(`Running the quickstart program with the Pulumi CLI ${cliVersion} (local file backend in a temp dir)...`);
      outputs = await withPulumiCli(tmp, config);
    } else {
      say("The Pulumi CLI is not on PATH: running the quickstart program with this project's local engine.");
      outputs = await withLocalEngine(tmp, config);
    }
    if (!outputs) {
      say("\nThe demo failed: see the messages above.");
      return 1;
    }
    const site = String(outputs.siteName ?? `www.${ZONE}`);
    say("");
    say(`Certificate for ${(outputs.subjectAltNames as string[] | undefined)?.join(", ") ?? "?"} (${String(outputs.phase)})`);
    say(`  enrollment ${String(outputs.enrollmentId)}, serial ${String(outputs.serialNumber)}, not after ${String(outputs.notAfter)}`);
    say(`  edge hostname ${String(outputs.edgeHostname)}; the Deployment's own check of the production edge: ${String(outputs.tlsCheck)}`);
    // What a user checks next: the site, by its name, through DNS. The emulator's DNS answers the
    // edge hostname with its loopback address; the production listener's port stands in for 443.
    const productionPort = Number(emulator.production.split(":").pop());
    say(`Checking https://${site}/ as a browser would (DNS ${emulator.dns}, port ${productionPort} for 443, the emulator's CA as the trusted root):`);
    const result = await checkSite({ site, dnsServer: emulator.dns, port: productionPort, caPem: fs.readFileSync(emulator.edgeRoots, "utf8") });
    for (const step of result.steps) say(`  ${step}`);
    say(`Site check: ${result.summary}`);
    say(`Done in ${Math.round((Date.now() - started) / 1000)} s.`);
    return result.ok ? 0 : 1;
  } catch (e) {
    say(`\nThe demo failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanup();
  }
}

void main().then((code) => process.exit(code));
