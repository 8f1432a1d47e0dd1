/**
 * The world a program-level test runs in: the CPS emulator in-process (own temp data dir), its
 * admin API, and per-stack config and state files in a temp dir, set up the way `npm run demo`
 * points the quickstart at the emulator (demo/run.ts). Used by the local-engine programs here and
 * the real-engine suite (test/program-cli/).
 */
import { NOT_ABOUT_LIMITS } from "../support/limits";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { startEmulator, type RunningEmulator, type EmulatorOptions } from "../../emulator";
import { toPropertyMap, unwrapSecretsInMap } from "../../engine/propertyValues";
import { PROJECT_ROOT, type EngineRunOptions } from "./engine-child";

/** The programs import "pulumi-akamai-cps" (the providers do at run time): this checkout's build. */
export function ensureSelfLink(): void {
  const link = path.join(PROJECT_ROOT, "node_modules", "pulumi-akamai-cps");
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync("..", link, "dir");
  }
}

const enrollmentSummary = z.object({ id: z.number(), cn: z.string(), sans: z.array(z.string()).nullish(), pendingChangeId: z.number().nullish() });
export type EnrollmentSummary = z.infer<typeof enrollmentSummary>;
const dnsRecord = z.object({ name: z.string(), type: z.string(), rdata: z.array(z.string()) });
const zoneBody = z.object({ zone: z.string(), records: z.array(dnsRecord) });
const changeBody = z.object({ status: z.string() });
const enrollmentRecord = z.object({ view: z.object({ networkConfiguration: z.object({ mustHaveCiphers: z.string() }) }) });

const stateFileSchema = z.object({
  resources: z.array(z.object({ type: z.string(), name: z.string(), custom: z.boolean(), id: z.string().optional() })),
  outputs: z.record(z.string(), z.unknown()),
  pendingOperations: z.array(z.object({ urn: z.string(), operation: z.string() })),
});
export type StateFile = z.infer<typeof stateFileSchema>;

export class EmulatorWorld {
  private constructor(
    readonly emulator: RunningEmulator,
    readonly dir: string,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<EmulatorWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-program-test-"));
    try {
      const emulator = await startEmulator({ rateLimits: NOT_ABOUT_LIMITS, createThrottle: false, ...options, dataDir: path.join(dir, "emulator") });
      if (!emulator.dns || !emulator.production || !emulator.edgeRoots) throw new Error("the emulator did not start its DNS server and edge listeners");
      return new EmulatorWorld(emulator, dir);
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.emulator.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async admin(method: string, route: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.emulator.admin}${route}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${route}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async createZone(zone: string): Promise<void> {
    await this.admin("POST", "/dns/zones", { zone });
  }

  async enrollmentsFor(cn: string): Promise<EnrollmentSummary[]> {
    return z.array(enrollmentSummary).parse(await this.admin("GET", "/enrollments")).filter((e) => e.cn === cn);
  }

  async changeStatus(changeId: number): Promise<string> {
    return changeBody.parse(await this.admin("GET", `/changes/${changeId}`)).status;
  }

  /** What Control Center would show as the enrollment's `networkConfiguration.mustHaveCiphers`. */
  async mustHaveCiphers(enrollmentId: number): Promise<string> {
    return enrollmentRecord.parse(await this.admin("GET", `/enrollments/${enrollmentId}`)).view.networkConfiguration.mustHaveCiphers;
  }

  async stepDurations(): Promise<Record<string, number>> {
    return z.record(z.string(), z.number()).parse(await this.admin("GET", "/config/step-durations"));
  }

  async txtRecords(zone: string): Promise<z.infer<typeof dnsRecord>[]> {
    return zoneBody.parse(await this.admin("GET", `/dns/zones/${zone}`)).records.filter((r) => r.type === "TXT");
  }

  /** The demo's config keys pointing a program at this emulator (`namespace`: the program's config namespace). */
  config(namespace: string, zone: string): Record<string, string> {
    const e = this.emulator;
    return {
      "pulumi-akamai-cps:edgerc": e.edgerc,
      "pulumi-akamai-cps:section": e.section,
      "pulumi-akamai-cps:caCertPath": e.caCert,
      // Not a test of the account budget: lift it (as the emulator's harness does) so tests stay fast.
      "pulumi-akamai-cps:requestsPerMinute": "1000000",
      "pulumi-akamai-cps:requestsPerTwoSeconds": "1000000",
      "pulumi-akamai-cps:dnsResolvers": e.dns!,
      [`${namespace}:zone`]: zone,
      [`${namespace}:productionEdge`]: e.production!,
      [`${namespace}:edgeRootsFile`]: e.edgeRoots!,
    };
  }

  /**
   * A stack of `program` (a directory with Pulumi.yaml) against this emulator: writes
   * `Pulumi.<stack>.yaml` with the demo's config keys (`namespace` is the program's config namespace).
   */
  stack(options: { program: string; stack: string; namespace: string; zone: string }): EngineRunOptions {
    const config = this.config(options.namespace, options.zone);
    const configFile = path.join(this.dir, `Pulumi.${options.stack}.yaml`);
    fs.writeFileSync(configFile, "config:\n" + Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join("\n") + "\n");
    return { cwd: options.program, stack: options.stack, stateFile: path.join(this.dir, `${options.stack}.state.json`), configFile };
  }
}

export function readState(stateFile: string): StateFile {
  return stateFileSchema.parse(JSON.parse(fs.readFileSync(stateFile, "utf8")));
}

/** The stack outputs as the program exported them (secret markers removed). */
export function stackOutputs(state: StateFile): Record<string, unknown> {
  return unwrapSecretsInMap(toPropertyMap(state.outputs));
}

/** `akamai-cps:index:Enrollment`-style short type names of the custom resources in the state. */
export function resourceTypes(state: StateFile): string[] {
  return state.resources
    .filter((r) => r.custom)
    .map((r) => r.type.split(":").pop()!)
    .sort();
}
