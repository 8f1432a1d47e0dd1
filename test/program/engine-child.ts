/**
 * Runs the local engine's CLI (`node dist/engine/cli.js`) as a child process in its own process
 * group, so that a test can `kill -9` the engine together with the program and the dynamic-provider
 * host it spawned, exactly as a user's terminal would lose them all.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { EngineCommand } from "../../engine";
import { waitFor } from "./wait";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const ENGINE_CLI = path.join(PROJECT_ROOT, "dist", "engine", "cli.js");

export interface EngineRunOptions {
  /** Directory holding the program's `Pulumi.yaml`. */
  cwd: string;
  stack: string;
  stateFile: string;
  configFile: string;
  /** Extra environment for the engine and the program it runs (e.g. `NODE_OPTIONS`). */
  env?: Readonly<Record<string, string>>;
}

export interface EngineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
}

export interface EngineChild {
  readonly pid: number;
  /** Everything printed so far. */
  output(): string;
  readonly exited: Promise<EngineExit>;
  /** SIGKILL to the whole process group (engine, program, dynamic-provider host). */
  killGroup(): void;
}

const running = new Set<EngineChild>();

export function startEngine(command: EngineCommand, options: EngineRunOptions): EngineChild {
  if (!fs.existsSync(ENGINE_CLI)) throw new Error("dist/ is missing: run `npm run build` (npm test does) before the program-level tests");
  const args = [ENGINE_CLI, command, "--cwd", options.cwd, "--stack", options.stack, "--state", options.stateFile, "--config-file", options.configFile];
  // Type checking the programs is `tsc`'s job (typecheck / typecheck:examples); the engine runs them the same either way.
  // The provider's create journal sits next to the stack's state, never in the user's ~/.pulumi.
  const env = { ...process.env, ...options.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true", PULUMI_AKAMAI_CPS_JOURNAL_DIR: path.join(path.dirname(options.stateFile), "create-journal") };
  const proc = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error("could not start the local engine");
  const pid = proc.pid;
  let text = "";
  proc.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  proc.stderr.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  const exited = new Promise<EngineExit>((resolve) => {
    proc.on("close", (code, signal) => resolve({ code, signal, output: text }));
  });
  const child: EngineChild = {
    pid,
    output: () => text,
    exited,
    killGroup: () => killProcessGroup(pid),
  };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

/** Runs a command to the end (with a deadline, after which the group is killed). */
export async function runEngineCommand(command: EngineCommand, options: EngineRunOptions, timeoutMs = 60_000): Promise<EngineExit> {
  const child = startEngine(command, options);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.killGroup();
      reject(new Error(`engine ${command} did not finish within ${timeoutMs} ms; output so far:\n${child.output()}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function killProcessGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch (error) {
    // ESRCH: the whole group is gone already
    if (!(error instanceof Error && "code" in error && error.code === "ESRCH")) throw error;
  }
}

/**
 * Live (non-zombie) processes of a process group, from /proc (Linux). Processes re-parented after
 * their parent died are reaped by init; until then they show as zombies, which hold nothing.
 */
export function liveProcessesInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we looked
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) === pgid && fields[0] !== "Z") pids.push(Number(entry));
  }
  return pids;
}

export async function waitUntilGroupGone(pgid: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(`process group ${pgid} to be gone`, () => (liveProcessesInGroup(pgid).length === 0 ? true : undefined), timeoutMs);
}

/** afterAll: no engine, program or provider host outlives the tests, also when one failed. */
export async function killAllEngines(): Promise<void> {
  for (const child of [...running]) child.killGroup();
  await Promise.all([...running].map((child) => child.exited));
}
