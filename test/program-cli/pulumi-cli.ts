/**
 * Where the real-engine tests find the Pulumi CLI: the cache of scripts/pulumi-cli.sh, which
 * `npm test` (and .ci/run) fill before jest starts. Without Go on PATH the CLI cannot be built,
 * and these tests are skipped with a message saying so; with Go, a missing CLI is a failure.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const SCRIPT = path.join(PROJECT_ROOT, "scripts", "pulumi-cli.sh");

export interface PulumiCli {
  /** Directory of `pulumi` and `pulumi-resource-pulumi-nodejs` (goes first on the CLI's PATH). */
  binDir: string;
  /** Its parent: `PulumiCommand.get({ root })`. */
  root: string;
  version: string;
}

function hasGo(): boolean {
  return spawnSync("go", ["version"], { stdio: "ignore" }).status === 0;
}

/** The built CLI, or the reason the real-engine tests are skipped (Go absent). Throws when Go is there but the CLI was not built. */
export function findPulumiCli(): PulumiCli | { skip: string } {
  const binDir = execFileSync("bash", [SCRIPT, "bin-dir"], { encoding: "utf8" }).trim();
  const version = execFileSync("bash", [SCRIPT, "version"], { encoding: "utf8" }).trim();
  if (fs.existsSync(path.join(binDir, "pulumi")) && fs.existsSync(path.join(binDir, "pulumi-resource-pulumi-nodejs"))) {
    return { binDir, root: path.dirname(binDir), version };
  }
  if (!hasGo()) return { skip: `the real-engine tests (test/program-cli) need the Pulumi CLI ${version}, built from its Go modules by scripts/pulumi-cli.sh: install Go >= 1.26 and run \`npm test\` again` };
  throw new Error(`the Pulumi CLI ${version} is not built in ${binDir}: run \`bash scripts/pulumi-cli.sh ensure\` (npm test does) before jest`);
}

/** `describe` when the CLI is there, `describe.skip` with the reason printed otherwise. */
export function describeWithPulumiCli(name: string, body: (cli: PulumiCli) => void): void {
  const found = findPulumiCli();
  if ("skip" in found) {
    process.stderr.write(`skipping "${name}": ${found.skip}\n`);
    describe.skip(name, () => body({ binDir: "", root: "", version: "" }));
    return;
  }
  describe(name, () => body(found));
}
