/**
 * What the peer tests (Akamai's Go client, edgegrid-python) share: the emulator options they start
 * with (in one place, so an emulator default that would slow or throttle them is overridden here
 * only), where the peers live outside the repository, and how to find them.
 *
 * `.ci/interop-peers.sh` prepares both peers (the venv with edgegrid-python, the Go program's
 * binary) in the same cache folder this file reads, so the first jest run does not pay for it.
 */
import { NOT_ABOUT_LIMITS } from "../support/limits";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EmulatorOptions } from "../../emulator";
import { FAST_STEPS } from "../emulator/harness";

/**
 * Every peer test starts the emulator with these, and nothing else. The peers create several
 * enrollments in one contract within seconds and poll change status often, so Akamai's creation
 * throttle stays off here (and any per-account request budget must be raised here too).
 */
// Not tests of the account budget or the creation throttle: the peers poll fast and create several enrollments.
// CPS also re-checks DV challenges on its own schedule; here that would race the Go client's
// acknowledgement (which then meets a change already past the input), so the recheck is an hour away.
export const PEER_EMULATOR_OPTIONS: EmulatorOptions = { stepDurations: { ...FAST_STEPS, "dv-recheck-interval": 3_600_000 }, validationTimeoutMs: 1000, createThrottle: false, rateLimits: NOT_ABOUT_LIMITS };

/** `${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-akamai-cps`, as in .ci/interop-peers.sh. */
export const PEER_CACHE = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "pulumi-akamai-cps");

export const GO_PROGRAM_DIR = path.join(__dirname, "go-cps");
export const GO_BINARY = path.join(PEER_CACHE, "go-cps");
export const VENV_PYTHON = path.join(PEER_CACHE, "venv-edgegrid", "bin", "python");

export function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the Go program into the cache (the go command rebuilds only what changed, so this is quick
 * after .ci/interop-peers.sh). The module cache is the go command's default, outside the repository.
 */
export function buildGoProgram(): string {
  fs.mkdirSync(PEER_CACHE, { recursive: true });
  execFileSync("nice", ["-n", "10", "go", "build", "-o", GO_BINARY, "."], { cwd: GO_PROGRAM_DIR, stdio: ["ignore", "ignore", "pipe"] });
  return GO_BINARY;
}
