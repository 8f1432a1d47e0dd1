/**
 * Runs the Pulumi program the way `pulumi-language-nodejs` does: `node [nodeargs] <sdk>/cmd/run
 * --monitor --engine --project --stack --pwd --root-directory [--dry-run] <program>` with the config
 * in `PULUMI_CONFIG` and `PULUMI_NODEJS_TYPESCRIPT` for TypeScript (the SDK then registers ts-node,
 * its vendored 7.0.1 with the project's `typescript`).
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import * as path from "node:path";
import { splitLines } from "./lines";
import type { ProjectSettings, StackConfig } from "./projectFiles";

export interface ProgramRun {
  project: ProjectSettings;
  stack: string;
  dryRun: boolean;
  config: StackConfig;
  monitorAddress: string;
  env: NodeJS.ProcessEnv;
  write: (line: string) => void;
  /**
   * Aborted on the first failed step. Like the Pulumi engine, we then stop the program instead of
   * letting it carry on: in-flight steps finish, no new ones start, and the SDK does not spend
   * tens of seconds formatting the rejected outputs of every dependent resource.
   */
  signal?: AbortSignal;
}

/** Where the program runs: `main` if it is a directory, else the project directory. */
export function programLocation(project: ProjectSettings): { pwd: string; program: string } {
  const main = path.resolve(project.dir, project.main);
  try {
    if (statSync(main).isDirectory()) return { pwd: main, program: "." };
  } catch {
    // A missing `main` is reported by the SDK's own error message.
  }
  return { pwd: project.dir, program: project.main };
}

export function runProgram(run: ProgramRun): Promise<number> {
  const { pwd, program } = programLocation(run.project);
  const sdkDir = path.dirname(resolveFrom(pwd, "@pulumi/pulumi/package.json"));
  const args = [
    ...run.project.nodeArgs,
    path.join(sdkDir, "cmd", "run"),
    `--monitor=${run.monitorAddress}`,
    `--engine=${run.monitorAddress}`,
    `--project=${run.project.name}`,
    `--stack=${run.stack}`,
    `--pwd=${pwd}`,
    `--root-directory=${run.project.dir}`,
    "--parallel=16",
    ...(run.dryRun ? ["--dry-run"] : []),
    program,
  ];
  const env: NodeJS.ProcessEnv = {
    ...run.env,
    PULUMI_CONFIG: JSON.stringify(run.config),
    PULUMI_CONFIG_SECRET_KEYS: "[]",
    PULUMI_NODEJS_TYPESCRIPT: String(run.project.typescript),
    ...(run.project.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: run.project.tsconfig } : {}),
  };
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: pwd, env, stdio: ["ignore", "pipe", "pipe"] });
    splitLines(child.stdout, (line) => run.write(`    ${line}`));
    splitLines(child.stderr, (line) => run.write(`    ${line}`));
    child.once("error", reject);
    const stop = () => child.kill("SIGKILL");
    if (run.signal?.aborted) stop();
    run.signal?.addEventListener("abort", stop, { once: true });
    child.once("close", (code, signal) => {
      run.signal?.removeEventListener("abort", stop);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function resolveFrom(dir: string, request: string): string {
  try {
    return require.resolve(request, { paths: [dir] });
  } catch {
    return require.resolve(request);
  }
}
