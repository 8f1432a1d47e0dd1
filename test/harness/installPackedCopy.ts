/**
 * Installs the package the way a user gets it: `npm pack` of the project (already built by the
 * caller), then `npm install <tarball>` into a fresh project. Tests then `require` the package and
 * serialize providers from that copy, so `require("pulumi-akamai-cps/…")` resolves to the installed files.
 *
 * Installing takes seconds, so an installed copy is reused for an identical tarball (same SHA-256)
 * across test files and runs; a changed build gets a new copy and older copies are pruned.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { z } from "zod";

export interface PackedCopy {
  /** The temp project directory: `require.resolve("pulumi-akamai-cps", { paths: [dir] })` works. */
  dir: string;
  /** Where the package itself is installed (`<dir>/node_modules/<name>`). */
  packageDir: string;
  /** Removes what this call created that is not shared with other test files (the tarball). */
  cleanup(): Promise<void>;
}

const CACHE_ROOT = path.join(os.tmpdir(), "pulumi-akamai-cps-installed-copies");
const KEEP_COPIES = 3;
const packOutput = z.array(z.object({ filename: z.string(), name: z.string() })).min(1);

export async function installPackedCopy(projectRoot: string): Promise<PackedCopy> {
  const packDir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-akamai-cps-pack-"));
  const cleanup = () => fs.rm(packDir, { recursive: true, force: true });
  try {
    const packed = packOutput.parse(JSON.parse(await run("npm", ["pack", "--json", "--pack-destination", packDir], projectRoot)));
    const { filename, name } = packed[0]!;
    const tarball = path.join(packDir, path.basename(filename));
    const digest = createHash("sha256").update(await fs.readFile(tarball)).digest("hex").slice(0, 16);
    const dir = path.join(CACHE_ROOT, digest);
    if (!(await exists(path.join(dir, ".ready")))) await installInto(dir, tarball);
    await pruneOldCopies(digest);
    return { dir, packageDir: path.join(dir, "node_modules", name), cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Installs in a private directory, then renames it into place, so parallel jest workers never see half a copy. */
async function installInto(dir: string, tarball: string): Promise<void> {
  await fs.mkdir(CACHE_ROOT, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await fs.mkdir(staging);
  try {
    await fs.writeFile(path.join(staging, "package.json"), JSON.stringify({ name: "installed-copy-test", version: "1.0.0", private: true }, null, 2));
    const common = ["install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error", tarball];
    try {
      await run("npm", [...common, "--offline"], staging);
    } catch {
      // Something is missing from the npm cache: let npm fetch it.
      await run("npm", [...common, "--prefer-offline"], staging);
    }
    await fs.writeFile(path.join(staging, ".ready"), new Date().toISOString());
    await fs.rename(staging, dir).catch(async (error: NodeJS.ErrnoException) => {
      // Another worker finished first: use its copy.
      if (await exists(path.join(dir, ".ready"))) return fs.rm(staging, { recursive: true, force: true });
      throw error;
    });
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function pruneOldCopies(current: string): Promise<void> {
  const entries = await fs.readdir(CACHE_ROOT, { withFileTypes: true });
  const copies = await Promise.all(
    entries
      .filter((e) => e.isDirectory() && e.name !== current && !e.name.includes(".tmp-"))
      .map(async (e) => ({ name: e.name, mtime: (await fs.stat(path.join(CACHE_ROOT, e.name))).mtimeMs })),
  );
  copies.sort((a, b) => b.mtime - a.mtime);
  for (const old of copies.slice(KEEP_COPIES - 1)) {
    await fs.rm(path.join(CACHE_ROOT, old.name), { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: "false" } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}
