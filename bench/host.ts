/**
 * The few steps of the engine the benchmarks need, driven through @pulumi/pulumi's real
 * dynamic-provider host (engine/providerHost): Check then Create, or Check then Diff. A small
 * re-implementation of the integration tests' stack driver (bench/ does not import test/).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startDynamicProviderHost, type DynamicProviderHost, type DiffResult } from "../engine/providerHost";
import { unwrapSecretsInMap, type PropertyMap } from "../engine/propertyValues";
import { lazyProvider } from "../sdk/lazy-provider";

/** The checkout's root (dist/bench/.. /..). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export type Kind = "Enrollment" | "DvValidation" | "Deployment" | "EdgeDnsTxtRecord";

const MODULES: Record<Kind, [file: string, exportName: string]> = {
  Enrollment: ["enrollment", "enrollmentProvider"],
  DvValidation: ["dv-validation", "dvValidationProvider"],
  Deployment: ["deployment", "deploymentProvider"],
  EdgeDnsTxtRecord: ["edge-dns-txt-record", "edgeDnsTxtRecordProvider"],
};

/** The host resolves `pulumi-akamai-cps/...` from node_modules: point it at this checkout's build. */
function ensureSelfLink(): void {
  const link = path.join(PROJECT_ROOT, "node_modules", "pulumi-akamai-cps");
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync("..", link, "dir");
  }
}

function urnOf(kind: Kind, name: string): string {
  return `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/akamai-cps:${kind}::${name}`;
}

export interface BenchHost {
  host: DynamicProviderHost;
  output: string[];
  /** Check + Create; throws with the provider's message when the create failed. */
  create(kind: Kind, name: string, inputs: PropertyMap): Promise<{ id: string; inputs: PropertyMap; outputs: Record<string, unknown> }>;
  /** Check + Diff against a prior state (what `pulumi preview` does per resource). */
  previewDiff(kind: Kind, name: string, id: string, inputs: PropertyMap, priorInputs: PropertyMap, priorOutputs: PropertyMap): Promise<DiffResult>;
  /** Check only, to load the provider modules before timing starts. */
  check(kind: Kind, name: string, inputs: PropertyMap): Promise<PropertyMap>;
  stop(): Promise<void>;
}

export interface BenchHostOptions {
  config: Record<string, string>;
  /** Run the host on CPS time (bench/time-warp) with this scale. */
  providerTimeScale?: number;
}

/**
 * The serialized provider of each kind, as the Pulumi program sends it. Serializing is the
 * program's work (pulumi's closure serializer, ~0.5 s on first use), not the provider host's:
 * done once per bench process, never inside a timed host run.
 */
const providerTexts = new Map<Kind, Promise<string>>();
export function providerText(kind: Kind): Promise<string> {
  let text = providerTexts.get(kind);
  if (text === undefined) {
    const [file, exportName] = MODULES[kind];
    const provider = lazyProvider(file, exportName);
    text = pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then((s) => s.text);
    providerTexts.set(kind, text);
  }
  return text;
}

/** Hosts still running: stopped on the bench's exit too, so a failed or interrupted run leaves no process behind. */
const live = new Set<DynamicProviderHost>();
let exitHookInstalled = false;
function trackForExit(host: DynamicProviderHost): void {
  live.add(host);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // stop() kills the child (SIGKILL) synchronously before resolving; 'exit' runs no async work.
  process.once("exit", () => {
    for (const h of live) void h.stop();
  });
}

export async function startBenchHost(options: BenchHostOptions): Promise<BenchHost> {
  ensureSelfLink();
  const output: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (options.providerTimeScale !== undefined && options.providerTimeScale > 1) {
    env.BENCH_PROVIDER_TIME_SCALE = String(options.providerTimeScale);
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "time-warp.js")}`.trim();
  }
  const host = await startDynamicProviderHost({ cwd: PROJECT_ROOT, env, onOutput: (_s, line) => output.push(line) });
  trackForExit(host);
  try {
    await host.configure(options.config);
  } catch (e) {
    await host.stop();
    live.delete(host);
    throw e;
  }
  const check = async (kind: Kind, name: string, inputs: PropertyMap, olds: PropertyMap = {}): Promise<PropertyMap> => {
    const news = { ...inputs, __cpsName: name, __provider: await providerText(kind) };
    const checked = await host.check(urnOf(kind, name), olds, news);
    if (checked.failures.length > 0) throw new Error(`${kind} ${name}: check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    return checked.inputs;
  };
  return {
    host,
    output,
    check,
    async create(kind, name, inputs) {
      const checked = await check(kind, name, inputs);
      const created = await host.create(urnOf(kind, name), checked);
      if (created.status === "partial") throw new Error(`${kind} ${name}: ${created.message}`);
      return { id: created.id, inputs: checked, outputs: unwrapSecretsInMap(created.properties) as Record<string, unknown> };
    },
    async previewDiff(kind, name, id, inputs, priorInputs, priorOutputs) {
      const checked = await check(kind, name, inputs, priorInputs);
      return host.diff(id, urnOf(kind, name), priorOutputs, checked, priorInputs);
    },
    stop: async () => {
      await host.stop();
      live.delete(host);
    },
  };
}
