/**
 * Loads a Pulumi program directory (Pulumi.yaml + package.json) as an Automation API inline
 * program: the function requires the program's entry point, whose top level declares the
 * resources, and returns its exports as the stack outputs — what the Node.js language host does
 * for `pulumi up` in that directory (https://www.pulumi.com/docs/iac/languages-sdks/javascript/).
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

const projectFile = z.object({ name: z.string().min(1), main: z.string().optional() });
const packageFile = z.object({ main: z.string().optional() }).loose();

export interface LoadedProgram {
  /** The project name from Pulumi.yaml. */
  project: string;
  /** The entry point file that the inline program requires. */
  entry: string;
  program: () => Promise<Record<string, unknown>>;
}

/** `name` and `main` of a Pulumi.yaml: two top-level scalars, read line by line (no YAML library in the package). */
function readProjectFile(dir: string): z.infer<typeof projectFile> {
  const text = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
  const top = (key: string): string | undefined => text.match(new RegExp(`^${key}:[ \\t]*(\\S.*)$`, "m"))?.[1]?.trim().replace(/^["']|["']$/g, "");
  return projectFile.parse({ name: top("name"), main: top("main") });
}

function resolveEntry(dir: string, main: string | undefined): string {
  const base = path.resolve(dir, main ?? ".");
  if (fs.statSync(base).isFile()) return base;
  const pkgPath = path.join(base, "package.json");
  const pkgMain = fs.existsSync(pkgPath) ? packageFile.parse(JSON.parse(fs.readFileSync(pkgPath, "utf8"))).main : undefined;
  for (const candidate of [pkgMain, "index.ts", "index.js"]) {
    if (candidate && fs.existsSync(path.join(base, candidate))) return path.join(base, candidate);
  }
  throw new Error(`no entry point in ${base} (package.json "main", index.ts or index.js)`);
}

/**
 * TypeScript programs run through the SDK's vendored ts-node, as the language host runs them
 * (`@pulumi/pulumi/cmd/run`), with the project's `typescript`. Type checking is `tsc`'s job.
 */
let typeScriptRegistered = false;
function registerTypeScript(): void {
  if (typeScriptRegistered) return;
  typeScriptRegistered = true;
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const tsNode: { register(options: Record<string, unknown>): unknown } = require(path.join(sdkDir, "vendor", "ts-node@7.0.1"));
  tsNode.register({
    compiler: require.resolve("typescript"),
    transpileOnly: true,
    skipProject: true,
    compilerOptions: { target: "ES2022", module: "commonjs", moduleResolution: "node", sourceMap: true },
  });
}

export function loadProgram(dir: string): LoadedProgram {
  const project = readProjectFile(dir);
  const entry = resolveEntry(dir, project.main);
  return {
    project: project.name,
    entry,
    program: async () => {
      if (entry.endsWith(".ts")) registerTypeScript();
      // Every run declares the resources anew (a second command in the same process included):
      // the entry's top level must run again, so it must not come from the module cache.
      delete require.cache[require.resolve(entry)];
      const exports: Record<string, unknown> = require(entry);
      return { ...exports };
    },
  };
}
