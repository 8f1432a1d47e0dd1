/**
 * Debian's pebble for the third-party tests: temp config, free loopback ports, `-dnsserver` at the
 * DNS server under test, optional External Account Binding, a chosen certificate lifetime, the env
 * that makes it fast and deterministic, readiness by polling with a deadline. `stop()` in afterAll.
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { spawn } from "child_process";
import { webcrypto } from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const PEBBLE_BINARY = "/usr/bin/pebble";
export const hasPebble = fs.existsSync(PEBBLE_BINARY);

export interface PebbleOptions {
  /** `host:port` of the DNS server pebble validates against. */
  dnsServer: string;
  /** kid → base64url HMAC key; when set, accounts must bind to one. */
  eab?: Record<string, string>;
  /** Leaf lifetime in seconds (CPS warns beyond 397 days; pebble's default is 5 years). */
  validitySeconds?: number;
  deadlineMs?: number;
}

export interface Pebble {
  directoryUrl: string;
  /** Trusts pebble's HTTPS listeners. */
  tlsCaPem: string;
  /** Roots that issued certificates chain to (new on every start). */
  rootsPem(): Promise<string>;
  log(): string;
  stop(): Promise<void>;
}

const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function tlsIdentity(): Promise<{ caPem: string; certPem: string; keyPem: string }> {
  x509.cryptoProvider.set(x509.CryptoProvider.DEFAULT, webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=pebble TLS CA (test)",
    keys: caKeys,
    signingAlgorithm: EC,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const keys = (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "01",
    subject: "CN=localhost",
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: EC,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    extensions: [
      new x509.SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
      ]),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
  return { caPem: ca.toString("pem") + "\n", certPem: cert.toString("pem") + "\n", keyPem };
}

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, timeout: 1000 }, (response) => {
      let body = "";
      response.on("data", (c: Buffer) => (body += c.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve({ status: 0, body: "" }));
  });
}

export async function startPebble(o: PebbleOptions): Promise<Pebble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pebble-tp-"));
  const identity = await tlsIdentity();
  fs.writeFileSync(path.join(dir, "cert.pem"), identity.certPem);
  fs.writeFileSync(path.join(dir, "key.pem"), identity.keyPem);
  const [apiPort, managementPort, httpPort, tlsPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const config = {
    pebble: {
      listenAddress: `127.0.0.1:${apiPort}`,
      managementListenAddress: `127.0.0.1:${managementPort}`,
      certificate: path.join(dir, "cert.pem"),
      privateKey: path.join(dir, "key.pem"),
      httpPort,
      tlsPort,
      ocspResponderURL: "",
      externalAccountBindingRequired: !!o.eab,
      ...(o.eab ? { externalAccountMACKeys: o.eab } : {}),
      certificateValidityPeriod: o.validitySeconds ?? 180 * 86_400,
    },
  };
  fs.writeFileSync(path.join(dir, "pebble-config.json"), JSON.stringify(config));
  let output = "";
  const child = spawn(PEBBLE_BINARY, ["-config", path.join(dir, "pebble-config.json"), "-dnsserver", o.dnsServer], {
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
  const directoryUrl = `https://127.0.0.1:${apiPort}/dir`;
  const managementUrl = `https://127.0.0.1:${managementPort}`;
  const deadline = Date.now() + (o.deadlineMs ?? 30_000);
  while ((await get(directoryUrl, identity.caPem)).status !== 200) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`pebble did not become ready (${exited ? "it exited" : "deadline passed"}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    directoryUrl,
    tlsCaPem: identity.caPem,
    async rootsPem() {
      const r = await get(`${managementUrl}/roots/0`, identity.caPem);
      if (r.status !== 200) throw new Error(`pebble /roots/0 answered ${r.status}`);
      return r.body;
    },
    log: () => output,
    stop,
  };
}
