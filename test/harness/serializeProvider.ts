/**
 * The `__provider` text, produced exactly as `pulumi.dynamic.Resource` produces it
 * (`dynamic/index.js`: `serializeFunction(() => provider, { allowSecrets: true })`, then `.text`).
 */
import { execFile } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * Serializes in this process. Fine for providers whose code only `require`s inside method bodies.
 * Under jest, modules captured by value from `node_modules` are NOT turned into `require(...)`,
 * because the closure serializer looks them up in Node's `require.cache`, which jest bypasses:
 * use {@link serializeProviderFromModule} for those (and for anything from an installed copy).
 */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

export interface SerializeFromModuleOptions {
  /** The project directory: module names are resolved, and `node_modules` paths shortened, from here. */
  cwd: string;
  /** What to `require` (a package path such as `pulumi-akamai-cps/provider/x` or an absolute file). */
  module: string;
  /** The export holding the provider object (default `provider`). */
  exportName?: string;
}

const childResult = z.object({ text: z.string(), containsSecrets: z.boolean() });

/**
 * Serializes in a plain `node` child running in `cwd`, with the `@pulumi/pulumi` that `cwd` resolves:
 * the same conditions as a Pulumi program, so `node_modules` modules become `require("<pkg>/<file>")`.
 */
export function serializeProviderFromModule(options: SerializeFromModuleOptions): Promise<string> {
  const script = `
    const pulumi = require(require.resolve("@pulumi/pulumi", { paths: [process.cwd()] }));
    const target = require(require.resolve(process.argv[1], { paths: [process.cwd()] }));
    const provider = target[process.argv[2]];
    if (!provider) throw new Error("no export " + process.argv[2] + " in " + process.argv[1]);
    pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })
      .then((sf) => process.stdout.write(JSON.stringify({ text: sf.text, containsSecrets: sf.containsSecrets })))
      .catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
  `;
  return new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script, options.module, options.exportName ?? "provider"],
      { cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`serializing ${options.module} failed: ${stderr || error.message}`));
        try {
          resolve(childResult.parse(JSON.parse(stdout)).text);
        } catch (parseError) {
          reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
        }
      },
    );
  });
}
