/**
 * Runs `pulumi up | preview | refresh | destroy` of a program directory with the real Pulumi CLI,
 * through `@pulumi/pulumi/automation` with an inline program. The CLI is started with
 * `--client=<addr>` and runs the program through the SDK's in-process language server, so no
 * Node.js language host (`pulumi-language-nodejs`) is needed: its Go module has no version tags
 * and the module proxy serves none of its versions (scripts/pulumi-cli.sh).
 * Everything else is the engine a user runs: planning, diff display, the checkpoint and its
 * pending operations, the stack lock, the secrets provider, the dynamic-provider plugin.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandError, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { loadProgram } from "./load-program";

export type CliCommand = "up" | "preview" | "refresh" | "destroy";

export interface CliRunOptions {
  command: CliCommand;
  /** Directory holding the program's Pulumi.yaml (its `main` is the entry point). */
  programDir: string;
  /**
   * The workspace: Pulumi.yaml and Pulumi.<stack>.yaml live here, and the CLI and its plugins run
   * here. Prepared by {@link prepareWorkDir} when it has no Pulumi.yaml yet.
   */
  workDir: string;
  stack: string;
  /** Directory whose `bin/pulumi` is the CLI (scripts/pulumi-cli.sh's cache dir); default: `pulumi` on PATH. */
  cliRoot?: string;
  /** `pulumi refresh --clear-pending-creates`: drop the creates an interrupted run left pending. */
  clearPendingCreates?: boolean;
  /** `pulumi preview --expect-no-changes`. */
  expectNoChanges?: boolean;
  /** Environment variables for the CLI on top of this process's (PULUMI_HOME, PULUMI_BACKEND_URL, …). */
  env?: Record<string, string>;
  /** The CLI's stdout, as it prints it (default: this process's stdout). */
  onOutput?: (text: string) => void;
  /** The CLI's stderr (default: this process's stderr). */
  onError?: (text: string) => void;
}

/**
 * Makes `workDir` a workspace for the program in `programDir`: a Pulumi.yaml with the program's
 * project name, and `node_modules` linked to the one the program resolves its packages from. The
 * engine starts the dynamic-provider plugin in the workspace, and the plugin (like the serialized
 * provider it evaluates) resolves `@pulumi/pulumi` and `pulumi-akamai-cps` from its working directory.
 */
export function prepareWorkDir(workDir: string, programDir: string): void {
  fs.mkdirSync(workDir, { recursive: true });
  const projectFile = path.join(workDir, "Pulumi.yaml");
  if (!fs.existsSync(projectFile)) {
    const { project } = loadProgram(programDir);
    fs.writeFileSync(projectFile, `name: ${project}\nruntime: nodejs\ndescription: Workspace of ${programDir}, run as an inline program.\n`);
  }
  const link = path.join(workDir, "node_modules");
  if (!fs.existsSync(link)) {
    const sdk = require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] });
    fs.symlinkSync(path.resolve(path.dirname(sdk), "..", ".."), link, "dir");
  }
}

/** Runs one command; resolves with 0 when the CLI succeeded, 1 when it failed. */
export async function runWithPulumiCli(options: CliRunOptions): Promise<number> {
  const onOutput = options.onOutput ?? ((text: string) => process.stdout.write(text));
  const onError = options.onError ?? ((text: string) => process.stderr.write(text));
  prepareWorkDir(options.workDir, options.programDir);
  const { program } = loadProgram(options.programDir);
  const pulumiCommand = await PulumiCommand.get(options.cliRoot ? { root: options.cliRoot } : {});
  const workspace = await LocalWorkspace.create({ workDir: options.workDir, pulumiCommand, program, ...(options.env ? { envVars: options.env } : {}) });
  const stack = await Stack.createOrSelect(options.stack, workspace);
  const streams = { onOutput, onError, color: "never" as const };
  try {
    switch (options.command) {
      case "up":
        await stack.up({ ...streams });
        break;
      case "preview":
        await stack.preview({ ...streams, ...(options.expectNoChanges ? { expectNoChanges: true } : {}) });
        break;
      case "refresh":
        await stack.refresh({ ...streams, ...(options.clearPendingCreates ? { clearPendingCreates: true } : {}) });
        break;
      case "destroy":
        await stack.destroy({ ...streams });
        break;
    }
    return 0;
  } catch (error) {
    // A CommandError repeats everything the CLI printed (already streamed above): say only which command failed.
    onError(error instanceof CommandError ? `pulumi ${options.command} failed\n` : `pulumi ${options.command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
