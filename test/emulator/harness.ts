import { NOT_ABOUT_LIMITS } from "../support/limits";
import * as http from "http";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { validateResponse } from "./contract";
import { TestClient, type RequestOptions, type TestResponse } from "./signer";

export const FAST_STEPS = {
  "generate-csr": 20,
  "check-for-cert": 20,
  "verify-third-party-cert": 20,
  "deploy-cert-to-staging": 20,
  "deploy-cert-to-production": 20,
  "dv-recheck-interval": 50,
  "delete-enrollment": 20,
};

export const T = (entity: string, v: number): string => `application/vnd.akamai.cps.${entity}.v${v}+json`;

/** Every JSON response seen through this client is checked against its published schema. */
export class ContractClient extends TestClient {
  validated = 0;
  override async request(method: string, target: string, options: RequestOptions = {}): Promise<TestResponse> {
    const r = await super.request(method, target, options);
    if (r.text) {
      validateResponse(r.contentType, r.body);
      this.validated++;
    }
    return r;
  }
}

export interface Harness {
  emulator: RunningEmulator;
  client: ContractClient;
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ stepDurations: FAST_STEPS, rateLimits: NOT_ABOUT_LIMITS, createThrottle: false, ...options });
  const client = new ContractClient(emulator.credentials, emulator.caCertPem);
  const admin = (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? "" : JSON.stringify(body);
      const req = http.request(`${emulator.admin}${path}`, { method, headers: { "Content-Type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
      });
      req.on("error", reject);
      req.end(text);
    });
  return {
    emulator,
    client,
    admin,
    stop: async () => {
      client.close();
      await emulator.stop();
    },
  };
}

export function dvEnrollment(cn: string, sans: string[] = [], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ra: "lets-encrypt",
    validationType: "dv",
    certificateType: "san",
    changeManagement: false,
    enableMultiStackedCertificates: false,
    csr: { cn, sans: [cn, ...sans], c: "US", st: "MA", l: "Cambridge", o: "Example", ou: null },
    networkConfiguration: {
      geography: "core",
      secureNetwork: "enhanced-tls",
      sniOnly: true,
      quicEnabled: false,
      mustHaveCiphers: "ak-akamai-2020q1",
      preferredCiphers: "ak-akamai-2020q1",
      disallowedTlsVersions: ["TLSv1", "TLSv1_1"],
      ocspStapling: "on",
      dnsNameSettings: { cloneDnsNames: true, dnsNames: null },
    },
    adminContact: contact("Ada"),
    techContact: contact("Tim"),
    org: { name: "Example Inc", addressLineOne: "1 Main St", addressLineTwo: null, city: "Cambridge", region: "MA", postalCode: "02142", country: "US", phone: "617-555-0100" },
    ...overrides,
  };
}

function contact(firstName: string): Record<string, string | null> {
  return {
    title: null,
    firstName,
    lastName: "Example",
    organizationName: "Example Inc",
    email: `${firstName.toLowerCase()}@example.com`,
    phone: "617-555-0100",
    addressLineOne: "1 Main St",
    addressLineTwo: null,
    city: "Cambridge",
    region: "MA",
    postalCode: "02142",
    country: "US",
  };
}

export function lastId(path: string): number {
  const m = /(\d+)\s*$/.exec(path);
  if (!m) throw new Error(`no id in ${path}`);
  return Number(m[1]);
}
