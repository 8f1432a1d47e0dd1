/**
 * End-to-end helpers: the emulator with its real seams, driven through the project's own CpsClient
 * (test code may import both; emulator/ itself never imports provider/).
 */
import { NOT_ABOUT_LIMITS } from "../support/limits";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { verifyChain } from "../../emulator/pki/chain";
import { CpsApiError, CpsClient, enrollmentRequestSchema, type AllowedInput, type ChangeStatus } from "../../provider/cps";
import { dvEnrollment, FAST_STEPS } from "../emulator/harness";

export { dvEnrollment };

export interface E2e {
  emulator: RunningEmulator;
  client: CpsClient;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startE2e(options: EmulatorOptions = {}, clientOptions: { rateLimit?: { requests: number; perMs: number } } = {}): Promise<E2e> {
  const emulator = await startEmulator({ stepDurations: FAST_STEPS, validationTimeoutMs: 1000, rateLimits: NOT_ABOUT_LIMITS, createThrottle: false, ...options });
  const client = CpsClient.create({
    edgercPath: emulator.edgerc,
    section: emulator.section,
    caCertPem: emulator.caCertPem,
    env: {},
    retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
    rateLimit: clientOptions.rateLimit ?? { requests: 10_000, perMs: 1000 },
    requestTimeoutMs: 10_000,
  });
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${emulator.admin}${path}`, { method, headers: { "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
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

/** Poll until `check` returns a value; no fixed sleeps, a deadline instead. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 15_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export async function createDv(e2e: E2e, cn: string, sans: string[] = [], overrides: Record<string, unknown> = {}): Promise<{ enrollmentId: number; changeId: number }> {
  const result = await e2e.client.createEnrollment({ contractId: "K-E2E", enrollment: enrollmentRequestSchema.parse(dvEnrollment(cn, sans, overrides)) });
  const changeId = result.changeIds[0];
  if (changeId === undefined) throw new Error("no change opened");
  return { enrollmentId: result.enrollmentId, changeId };
}

/** Waits for the change to reach `status`; fails at once when it lands in state error. */
export async function waitStatus(e2e: E2e, enrollmentId: number, changeId: number, status: string, deadlineMs?: number): Promise<ChangeStatus> {
  return waitFor(
    `change ${changeId} to reach ${status}`,
    async () => {
      const change = await e2e.client.getChangeStatus(enrollmentId, changeId);
      if (change.statusInfo.state === "error") throw new Error(`change in error: ${JSON.stringify(change.statusInfo.error)}`);
      return change.statusInfo.status === status ? change : undefined;
    },
    deadlineMs,
  );
}

export function input(change: ChangeStatus, type: string): AllowedInput {
  const found = change.allowedInput.find((each) => each.type === type);
  if (!found) throw new Error(`no ${type} input in ${JSON.stringify(change.allowedInput)}`);
  return found;
}

export const DV_STATUS = "coodinate-domain-validation";

/** Publishes each domain's dns-01 TXT through the Edge DNS API (the way a user's stack does). */
export async function publishDns01(e2e: E2e, zone: string, change: ChangeStatus): Promise<string[]> {
  const challenges = await e2e.client.getDvChallenges(input(change, "lets-encrypt-challenges"));
  const values: string[] = [];
  for (const domain of challenges.dv) {
    const dns = domain.challenges.find((c) => c.type === "dns-01");
    if (!dns?.fullPath || !dns.responseBody) throw new Error(`no dns-01 challenge for ${domain.domain}`);
    await e2e.client.edgeDns.createRecordSet(zone, { name: dns.fullPath.replace(/\.$/, ""), type: "TXT", ttl: 60, rdata: [dns.responseBody] });
    values.push(dns.responseBody);
  }
  return values;
}

/**
 * Tells CPS the challenges are in place. CPS also rechecks on its own schedule, so on a loaded
 * machine it may already have validated and moved on: a 409 is fine once the change has left
 * domain validation (the provider's DvValidation treats it the same way).
 */
export async function acknowledgeChallenges(e2e: E2e, enrollmentId: number, changeId: number, coordinating: ChangeStatus): Promise<void> {
  try {
    await e2e.client.acknowledgeDvChallenges(input(coordinating, "lets-encrypt-challenges"));
  } catch (error) {
    const now = await e2e.client.getChangeStatus(enrollmentId, changeId);
    if (!(error instanceof CpsApiError && error.status === 409) || now.statusInfo.status === DV_STATUS) throw error;
  }
}

/** Drives a DV change from domain validation to `complete`, publishing dns-01 records. */
export async function completeDvWithDns01(e2e: E2e, zone: string, enrollmentId: number, changeId: number): Promise<void> {
  const coordinating = await waitStatus(e2e, enrollmentId, changeId, DV_STATUS);
  await publishDns01(e2e, zone, coordinating);
  await acknowledgeChallenges(e2e, enrollmentId, changeId, coordinating);
  await waitStatus(e2e, enrollmentId, changeId, "complete");
}

export interface Handshake {
  authorized: boolean;
  authorizationError?: string;
  subjectAltName: string;
  validTo: Date;
  fingerprint256: string;
  issuer: string;
}

/**
 * A real TLS handshake against an edge listener, verifying the served chain to `rootsPem` and the
 * hostname. Node verifies at real time; with `at` (emulator time, after the clock was advanced) the
 * served chain is verified at that instant instead.
 */
export function tlsHandshake(address: string, servername: string, rootsPem: string, at?: Date): Promise<Handshake> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), servername, ca: rootsPem, rejectUnauthorized: false }, () => {
      const peer = socket.getPeerCertificate(true);
      const hostError = tls.checkServerIdentity(servername, peer);
      let chainError = socket.authorizationError ? String(socket.authorizationError) : undefined;
      if (at) {
        const served: string[] = [];
        for (let cert: tls.DetailedPeerCertificate | undefined = peer; cert && !served.includes(toPem(cert.raw)); cert = cert.issuerCertificate) served.push(toPem(cert.raw));
        const verdict = verifyChain(served[0] ?? "", served.slice(1).join(""), rootsPem, { at });
        chainError = verdict.ok ? undefined : verdict.reason;
      }
      resolve({
        authorized: chainError === undefined && hostError === undefined,
        authorizationError: chainError ?? hostError?.message,
        subjectAltName: peer.subjectaltname ?? "",
        validTo: new Date(peer.valid_to),
        fingerprint256: peer.fingerprint256,
        issuer: [peer.issuer?.CN ?? ""].flat().join(", "),
      });
      socket.end();
    });
    socket.on("error", reject);
  });
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
}

/** A loopback HTTP server for http-01: `routes` maps Host + path to a response. */
export async function startHttpServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
