/**
 * Starts Debian's pebble for a test: its own HTTPS certificate (made with the emulator's PKI),
 * a config in a temp dir with free loopback ports, `-dnsserver` pointed at our DNS server, and
 * the env that makes it fast and deterministic. Stop it with `stop()` in afterAll.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { generateKeyPair, privateKeyToPem, randomSerialHex, x509 } from "../../emulator/pki/crypto";

export const PEBBLE_BINARY = "/usr/bin/pebble";

export interface RunningPebble {
  directoryUrl: string;
  managementUrl: string;
  /** CA of pebble's HTTPS listeners. */
  tlsCaPem: string;
  /** pebble's stdout+stderr so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

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

function directoryAnswers(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(false));
  });
}

export async function startPebble(dnsServer: string, deadlineMs = 30_000): Promise<RunningPebble> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pebble-"));
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
      externalAccountBindingRequired: false,
      certificateValidityPeriod: 7776000,
    },
  };
  fs.writeFileSync(path.join(dir, "pebble-config.json"), JSON.stringify(config));
  let output = "";
  const child: ChildProcess = spawn(PEBBLE_BINARY, ["-config", path.join(dir, "pebble-config.json"), "-dnsserver", dnsServer], {
    cwd: dir,
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
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
  const deadline = Date.now() + deadlineMs;
  // pebble generates RSA keys at start (0.2–1.4 s): poll the directory until it answers.
  while (!(await directoryAnswers(directoryUrl, identity.caPem))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`pebble did not become ready (${exited ? "it exited" : "deadline passed"}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { directoryUrl, managementUrl: `https://127.0.0.1:${managementPort}`, tlsCaPem: identity.caPem, log: () => output, stop };
}
