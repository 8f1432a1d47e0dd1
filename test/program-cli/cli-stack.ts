/**
 * A stack run by the real Pulumi CLI, offline: its own PULUMI_HOME, a `file://` backend, a
 * passphrase secrets provider, no update check, no plugin downloads. Commands a user types
 * (`pulumi stack init`, `config set`, `cancel`, `stack export`) run the CLI directly in the
 * workspace; `up` / `preview` / `refresh` / `destroy` run through `dist/automation/cli.js` (the
 * Automation API with the program inline: no Node.js language host is built), as a child process
 * a test can kill -9 with everything it started.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { prepareWorkDir, type CliCommand } from "../../automation/run";
import { PROJECT_ROOT, type PulumiCli } from "./pulumi-cli";
import { killTree } from "./processes";

const RUNNER = path.join(PROJECT_ROOT, "dist", "automation", "cli.js");

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

export interface CliChild {
  readonly pid: number;
  output(): string;
  readonly exited: Promise<CliExit>;
  /** SIGKILL to the runner, `pulumi` and its plugins at once. */
  killAll(): number[];
}

const exportedResource = z.object({ urn: z.string(), type: z.string(), custom: z.boolean().optional(), id: z.string().optional(), outputs: z.record(z.string(), z.unknown()).optional() });
const exportedState = z.object({
  version: z.number(),
  deployment: z.object({
    resources: z.array(exportedResource).nullish(),
    pending_operations: z.array(z.object({ resource: z.object({ urn: z.string(), id: z.string().optional() }), type: z.string() })).nullish(),
  }),
});
export type ExportedState = z.infer<typeof exportedState>;

const running = new Set<CliChild>();

export class CliStack {
  readonly env: NodeJS.ProcessEnv;
  readonly workDir: string;

  constructor(
    readonly cli: PulumiCli,
    dir: string,
    readonly programDir: string,
    readonly name: string,
  ) {
    this.workDir = path.join(dir, `${name}-workspace`);
    const backend = path.join(dir, "backend");
    fs.mkdirSync(backend, { recursive: true });
    this.env = {
      ...process.env,
      PATH: `${cli.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: path.join(dir, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    prepareWorkDir(this.workDir, programDir);
  }

  /** `pulumi stack init`, then `pulumi config set` for each value (`--secret` for `secrets`). */
  async init(config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    this.expectOk(await this.pulumi(["stack", "init"]));
    for (const [key, value] of Object.entries(config)) this.expectOk(await this.pulumi(["config", "set", key, value]));
    for (const [key, value] of Object.entries(secrets)) this.expectOk(await this.pulumi(["config", "set", "--secret", key, value]));
  }

  /** The CLI itself, in the workspace, for this stack's commands (`--stack` is added). */
  async pulumi(args: string[], timeoutMs = 60_000): Promise<CliExit> {
    return this.runToEnd(spawnChild(path.join(this.cli.binDir, "pulumi"), [...args, "--stack", this.name, "--non-interactive", "--color", "never"], this.workDir, this.env), `pulumi ${args.join(" ")}`, timeoutMs);
  }

  /** `up` / `preview` / `refresh` / `destroy` with the program inline; `flags`: `--clear-pending-creates`, `--expect-no-changes`. */
  start(command: CliCommand, flags: string[] = []): CliChild {
    if (!fs.existsSync(RUNNER)) throw new Error("dist/ is missing: run `npm run build` (npm test does) before the real-engine tests");
    const args = [RUNNER, command, "--program", this.programDir, "--work-dir", this.workDir, "--stack", this.name, "--cli-root", this.cli.root, ...flags];
    return spawnChild(process.execPath, args, PROJECT_ROOT, this.env);
  }

  async run(command: CliCommand, flags: string[] = [], timeoutMs = 120_000): Promise<CliExit> {
    return this.runToEnd(this.start(command, flags), `pulumi ${command}`, timeoutMs);
  }

  /** `pulumi stack export`: the checkpoint as the backend stores it (secrets stay encrypted). */
  async exportState(): Promise<{ text: string; state: ExportedState }> {
    const run = this.expectOk(await this.pulumi(["stack", "export"]));
    return { text: run.output, state: exportedState.parse(JSON.parse(run.output)) };
  }

  /** `pulumi stack output --json --show-secrets`. */
  async outputs(): Promise<Record<string, unknown>> {
    const run = this.expectOk(await this.pulumi(["stack", "output", "--json", "--show-secrets"]));
    return z.record(z.string(), z.unknown()).parse(JSON.parse(run.output));
  }

  expectOk(run: CliExit): CliExit {
    if (run.code !== 0) throw new Error(`expected exit code 0, got ${run.code ?? run.signal}; output:\n${run.output}`);
    return run;
  }

  private async runToEnd(child: CliChild, what: string, timeoutMs: number): Promise<CliExit> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.killAll();
        reject(new Error(`${what} did not finish within ${timeoutMs} ms; output so far:\n${child.output()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([child.exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function spawnChild(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): CliChild {
  const proc = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = proc.pid;
  let text = "";
  proc.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  const exited = new Promise<CliExit>((resolve) => proc.on("close", (code, signal) => resolve({ code, signal, output: text })));
  const child: CliChild = { pid, output: () => text, exited, killAll: () => killTree(pid) };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** afterAll: no runner, CLI or plugin outlives the tests, also when one failed. */
export async function killAllRuns(): Promise<void> {
  for (const child of [...running]) child.killAll();
  await Promise.all([...running].map((child) => child.exited));
}
