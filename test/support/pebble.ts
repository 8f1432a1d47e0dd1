/**
 * Starts Debian's pebble for a test: its own HTTPS certificate (made with the emulator's PKI), a
 * config in a temp dir with free loopback ports, `-dnsserver` pointed at the DNS server under test,
 * optional External Account Binding, a chosen certificate lifetime, and the env that makes it fast
 * and deterministic. Readiness is polled with a deadline. Stop it with `stop()` in afterAll.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as os from "node:os";
import * as path from "node:path";
import { generateKeyPair, privateKeyToPem, randomSerialHex, x509 } from "../../emulator/pki/crypto";
import { freePort } from "./ports";

export const PEBBLE_BINARY = "/usr/bin/pebble";
/** CI installs pebble (apt-get install -y pebble); suites skip with a warning when it is missing. */
export const hasPebble = fs.existsSync(PEBBLE_BINARY);

/** 90 days, like Let's Encrypt; pebble's own default would be 5 years. */
const DEFAULT_VALIDITY_SECONDS = 90 * 86_400;

export interface PebblePorts {
  /** ACME API (the directory). */
  api: number;
  management: number;
  /** Where pebble's VA connects for http-01. */
  http: number;
  /** Where pebble's VA connects for tls-alpn-01. */
  tls: number;
}

export interface PebbleOptions {
  /** `host:port` of the DNS server pebble validates against. */
  dnsServer: string;
  /** kid → base64url HMAC key pebble accepts for External Account Binding. */
  externalAccountMACKeys?: Record<string, string>;
  /** Whether new accounts must bind to one of the MAC keys; defaults to "when keys are given". */
  externalAccountBindingRequired?: boolean;
  /** Leaf lifetime in seconds (CPS warns beyond 397 days); 90 days unless given. */
  validitySeconds?: number;
  /** Fixed ports; any not given is a free loopback port. */
  ports?: Partial<PebblePorts>;
  /** How long pebble may take to answer its directory (it generates RSA keys at start). */
  deadlineMs?: number;
}

export interface RunningPebble {
  directoryUrl: string;
  managementUrl: string;
  ports: PebblePorts;
  /** CA of pebble's HTTPS listeners. */
  tlsCaPem: string;
  /** Root that issued certificates chain to (new on every start), from the management endpoint. */
  rootsPem(): Promise<string>;
  /** pebble's stdout+stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

async function tlsIdentity(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  const caKeys = await generateKeyPair("ECDSA");
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: "CN=pebble test TLS CA",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys: caKeys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = await generateKeyPair("ECDSA");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: "CN=localhost",
    issuer: ca.subjectName,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  return { caPem: ca.toString("pem") + "\n", certPem: cert.toString("pem") + "\n", keyPem: await privateKeyToPem(keys.privateKey) };
}

/** GET over HTTPS trusting `ca`; status 0 when nothing answers (yet). */
function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, timeout: 1000 }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve({ status: 0, body: "" }));
  });
}

async function choosePorts(given: Partial<PebblePorts> = {}): Promise<PebblePorts> {
  const pick = (port: number | undefined): Promise<number> => (port === undefined ? freePort() : Promise.resolve(port));
  const [api, management, http, tls] = await Promise.all([pick(given.api), pick(given.management), pick(given.http), pick(given.tls)]);
  return { api, management, http, tls };
}

export async function startPebble(options: PebbleOptions): Promise<RunningPebble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pebble-"));
  const identity = await tlsIdentity();
  fs.writeFileSync(path.join(dir, "cert.pem"), identity.certPem);
  fs.writeFileSync(path.join(dir, "key.pem"), identity.keyPem);
  const ports = await choosePorts(options.ports);
  const macKeys = options.externalAccountMACKeys;
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${ports.api}`,
      managementListenAddress: `127.0.0.1:${ports.management}`,
      certificate: path.join(dir, "cert.pem"),
      privateKey: path.join(dir, "key.pem"),
      httpPort: ports.http,
      tlsPort: ports.tls,
      ocspResponderURL: "",
      externalAccountBindingRequired: options.externalAccountBindingRequired ?? macKeys !== undefined,
      ...(macKeys ? { externalAccountMACKeys: macKeys } : {}),
      certificateValidityPeriod: options.validitySeconds ?? DEFAULT_VALIDITY_SECONDS,
    },
  };
  fs.writeFileSync(path.join(dir, "pebble-config.json"), JSON.stringify(config));
  let output = "";
  const child = spawn(PEBBLE_BINARY, ["-config", path.join(dir, "pebble-config.json"), "-dnsserver", options.dnsServer], {
    cwd: dir,
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));

  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill("SIGTERM");
      await exit;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const directoryUrl = `https://127.0.0.1:${ports.api}/dir`;
  const managementUrl = `https://127.0.0.1:${ports.management}`;
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  // pebble generates RSA keys at start (0.2–1.4 s): poll the directory until it answers.
  while ((await get(directoryUrl, identity.caPem)).status !== 200) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`pebble did not become ready (${exited ? "it exited" : "deadline passed"}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    directoryUrl,
    managementUrl,
    ports,
    tlsCaPem: identity.caPem,
    async rootsPem() {
      const response = await get(`${managementUrl}/roots/0`, identity.caPem);
      if (response.status !== 200) throw new Error(`pebble /roots/0 answered ${response.status}`);
      return response.body;
    },
    log: () => output,
    stop,
  };
}
