/** Shared inputs and helpers for the engine-path integration tests. */
import { NOT_ABOUT_LIMITS } from "../support/limits";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, RunningEmulator, EmulatorOptions } from "../../emulator";
import { StackDriver } from "./stack-driver";

export const CONTACT = { firstName: "Ada", lastName: "Lovelace", email: "hostmaster@example.test", phone: "+1 617 555 0100" };

export function enrollmentInputs(zone: string, overrides: Record<string, unknown> = {}) {
  return {
    contractId: "K-0N7RAK71",
    commonName: `www.${zone}`,
    sans: [zone, `api.${zone}`],
    secureNetwork: "enhanced-tls",
    sniOnly: true,
    changeManagement: true,
    adminContact: CONTACT,
    techContact: CONTACT,
    organization: { name: "Example Inc.", country: "US" },
    csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
    waitTimeout: "2m",
    ...overrides,
  };
}

export interface TestStack {
  emulator: RunningEmulator;
  driver: StackDriver;
  /** Admin API call on the emulator. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  /** The create journal of this machine (PULUMI_AKAMAI_CPS_JOURNAL_DIR of every driver here). */
  journalDir: string;
  /** Another stack of the same account on the same machine (shares the create journal), stopped with this one. */
  otherStack(stack: string): Promise<StackDriver>;
  stop(): Promise<void>;
}

/** Emulator + dynamic-provider host configured like a stack pointing at it, with a create journal of its own. */
export async function startTestStack(options: EmulatorOptions & { zones?: string[] } = {}): Promise<TestStack> {
  // several enrollments in quick succession: Akamai's creation throttle (on by default) is not what these test
  const emulator = await startEmulator({ rateLimits: NOT_ABOUT_LIMITS, createThrottle: false, ...options });
  let driver: StackDriver | undefined;
  const journalDir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-journal-"));
  try {
    const config: Record<string, string> = {
      "pulumi-akamai-cps:edgerc": emulator.edgerc,
      "pulumi-akamai-cps:section": emulator.section,
      "pulumi-akamai-cps:caCertPath": emulator.caCert,
      // Not a test of the account budget: lift it (as the emulator's harness does) so tests stay fast.
      "pulumi-akamai-cps:requestsPerMinute": "1000000",
      "pulumi-akamai-cps:requestsPerTwoSeconds": "1000000",
    };
    if (emulator.dns) config["pulumi-akamai-cps:dnsResolvers"] = emulator.dns;
    driver = await StackDriver.start(config, { ...process.env, PULUMI_AKAMAI_CPS_JOURNAL_DIR: journalDir }, "organization/integration/test");
    const admin = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${emulator.admin}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    for (const zone of options.zones ?? []) await admin("POST", "/dns/zones", { zone });
    const d = driver;
    const env = { ...process.env, PULUMI_AKAMAI_CPS_JOURNAL_DIR: journalDir };
    const others: StackDriver[] = [];
    return {
      emulator,
      driver: d,
      admin,
      journalDir,
      async otherStack(stack: string) {
        const other = await StackDriver.start(config, env, stack);
        others.push(other);
        return other;
      },
      async stop() {
        for (const o of others) await o.stop();
        await d.stop();
        await emulator.stop();
        fs.rmSync(journalDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await driver?.stop();
    await emulator.stop();
    fs.rmSync(journalDir, { recursive: true, force: true });
    throw e;
  }
}

export function edgeRootsPem(emulator: RunningEmulator): string {
  if (!emulator.edgeRoots) throw new Error("the emulator reports no edgeRoots");
  return fs.readFileSync(emulator.edgeRoots, "utf8");
}
