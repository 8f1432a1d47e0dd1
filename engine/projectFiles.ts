/**
 * `Pulumi.yaml` and `Pulumi.<stack>.yaml`: the project name, runtime options and stack config.
 * YAML is parsed with the `js-yaml` that `@pulumi/pulumi` itself depends on.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { isNotFound, messageOf } from "./errors";

const projectSchema = z.object({
  name: z.string().min(1),
  runtime: z.union([
    z.string(),
    z.object({
      name: z.string(),
      options: z
        .object({
          typescript: z.boolean().optional(),
          nodeargs: z.string().optional(),
          tsconfig: z.string().optional(),
        })
        .loose()
        .optional(),
    }),
  ]),
  main: z.string().optional(),
});

const stackSchema = z.object({ config: z.record(z.string(), z.unknown()).nullish() }).loose();

export interface ProjectSettings {
  /** Directory holding `Pulumi.yaml`. */
  dir: string;
  name: string;
  runtime: string;
  /** The program to run, relative to `dir` (`main` or "."). */
  main: string;
  typescript: boolean;
  nodeArgs: string[];
  tsconfig?: string;
}

/** Stack config, namespaced (`project:key` for keys written without a namespace), values as strings. */
export type StackConfig = Record<string, string>;

export async function readProject(dir: string): Promise<ProjectSettings> {
  const file = path.join(dir, "Pulumi.yaml");
  const parsed = projectSchema.safeParse(loadYaml(await readText(file, "no Pulumi.yaml")));
  if (!parsed.success) throw new Error(`${file} is not a valid Pulumi project file: ${z.prettifyError(parsed.error)}`);
  const project = parsed.data;
  const runtime = typeof project.runtime === "string" ? { name: project.runtime, options: undefined } : project.runtime;
  if (runtime.name !== "nodejs") throw new Error(`${file}: runtime "${runtime.name}" is not supported by the local engine (only nodejs)`);
  return {
    dir,
    name: project.name,
    runtime: runtime.name,
    main: project.main ?? ".",
    typescript: runtime.options?.typescript ?? true,
    nodeArgs: (runtime.options?.nodeargs ?? "").split(/\s+/).filter(Boolean),
    ...(runtime.options?.tsconfig ? { tsconfig: runtime.options.tsconfig } : {}),
  };
}

/**
 * Reads `Pulumi.<stack>.yaml` (or `configFile`). A missing file is an empty config.
 * `secure:` values need the Pulumi CLI's secrets provider to decrypt: they are refused with a clear error.
 */
export async function readStackConfig(project: ProjectSettings, stack: string, configFile?: string): Promise<StackConfig> {
  const file = configFile ? path.resolve(project.dir, configFile) : path.join(project.dir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if (!configFile && isNotFound(error)) return {};
    throw new Error(`cannot read the stack config ${file}: ${messageOf(error)}`, { cause: error });
  }
  const parsed = stackSchema.safeParse(loadYaml(text) ?? {});
  if (!parsed.success) throw new Error(`${file} is not a valid stack config file: ${z.prettifyError(parsed.error)}`);
  const config: StackConfig = {};
  for (const [rawKey, value] of Object.entries(parsed.data.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (isSecure(value)) {
      throw new Error(`${file}: "${rawKey}" is a secure (encrypted) value; the local engine cannot decrypt it. Use a plain value or an environment variable instead.`);
    }
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

function isSecure(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.prototype.hasOwnProperty.call(value, "secure");
}

const yamlModule = z.object({ load: z.custom<(text: string) => unknown>((value) => typeof value === "function") });

function loadYaml(text: string): unknown {
  const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
  const yaml = yamlModule.parse(require(require.resolve("js-yaml", { paths: [sdkDir] })));
  return yaml.load(text);
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    throw new Error(`${what}: cannot read ${file}: ${messageOf(error)}`, { cause: error });
  }
}
