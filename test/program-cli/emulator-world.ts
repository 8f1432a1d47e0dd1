/**
 * The world a real-engine test runs in: the CPS emulator in-process (own temp data dir, which also
 * holds the stacks' workspaces and file:// backend), its admin API, and the stack config that
 * points a program at it, the way `npm run demo` points the quickstart at it (demo/run.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { startEmulator, type RunningEmulator, type EmulatorOptions } from "../../emulator";
import { PROJECT_ROOT } from "./pulumi-cli";

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

export class EmulatorWorld {
  private constructor(
    readonly emulator: RunningEmulator,
    readonly dir: string,
  ) {}

  static async start(options: EmulatorOptions = {}): Promise<EmulatorWorld> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-program-test-"));
    try {
      const emulator = await startEmulator({ ...options, dataDir: path.join(dir, "emulator") });
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
      "pulumi-akamai-cps:dnsResolvers": e.dns!,
      [`${namespace}:zone`]: zone,
      [`${namespace}:productionEdge`]: e.production!,
      [`${namespace}:edgeRootsFile`]: e.edgeRoots!,
    };
  }
}
