/**
 * A TLS listener standing for one Akamai edge network (staging or production). It serves, by SNI,
 * the certificate deployed on that network for the hostname: exact names first, then a wildcard
 * `*.parent` covering one label. An unknown or missing SNI fails the handshake with a fatal alert:
 * there is no default certificate.
 *
 * Dual-stacked enrollments (RSA + ECDSA) are served like the edge does, per client: ECDSA to a
 * client that can use it, RSA otherwise. Node cannot do that with SNICallback (it installs one key
 * per connection and does not say what the client offered), so the listener accepts plain TCP,
 * reads and parses the ClientHello itself (client-hello-reader.ts), picks the certificate
 * (certificate-choice.ts), puts the bytes back and starts TLS with a context holding only that one.
 * After the handshake it answers any HTTP request with a small 200 JSON saying what was served.
 */
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import type { DeployedCertificate, EdgeNetwork, EdgeNetworkName, KeyAlgorithm } from "../seams";
import { chooseKeyAlgorithm } from "./certificate-choice";
import { readClientHello } from "./client-hello-reader";

export interface EdgeNetworkOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
  /** A client that has not sent a whole ClientHello by then is disconnected (default 10 s). */
  clientHelloTimeoutMs?: number;
  /** A connection idle this long after the ClientHello is closed (default 60 s). */
  idleTimeoutMs?: number;
}

interface Deployment {
  enrollmentId: number;
  hostnames: string[];
  certificates: DeployedCertificate[];
  /** One context per key algorithm, each holding exactly one certificate and key. */
  contexts: Map<KeyAlgorithm, tls.SecureContext>;
}

export interface ServedDeployment {
  enrollmentId: number;
  hostnames: string[];
  certificates: DeployedCertificate[];
}

export interface EdgeNetworkListener extends EdgeNetwork {
  readonly port: number;
  /** What this network serves for `hostname` (same matching as the handshake), if anything. */
  lookup(hostname: string): ServedDeployment | undefined;
  /** Every deployment on this network. */
  deployments(): ServedDeployment[];
}

/** What one TLS connection was given, for the HTTP answer. */
interface Served {
  servername: string;
  enrollmentId: number;
  keyAlgorithm: KeyAlgorithm;
}

const ALERT_HANDSHAKE_FAILURE = 40;
const ALERT_UNRECOGNIZED_NAME = 112;

/** A plaintext fatal alert record, what a TLS server sends when it refuses a ClientHello. */
function fatalAlert(description: number): Buffer {
  return Buffer.from([21, 3, 3, 0, 2, 2, description]);
}

function normalizeHostname(name: string): string {
  return name.trim().replace(/\.$/, "").toLowerCase();
}

function buildContexts(certificates: DeployedCertificate[]): Map<KeyAlgorithm, tls.SecureContext> {
  if (certificates.length === 0) throw new Error("deploy needs at least one certificate");
  const algorithms = certificates.map((each) => each.keyAlgorithm);
  if (new Set(algorithms).size !== algorithms.length) throw new Error(`at most one certificate per key algorithm, got ${algorithms.join(", ")}`);
  // createSecureContext throws on a key that does not match its certificate.
  return new Map(
    certificates.map((each) => [
      each.keyAlgorithm,
      tls.createSecureContext({ key: each.privateKeyPem, cert: `${each.certificatePem.trim()}\n${each.trustChainPem.trim()}\n`.replace(/\n+$/, "\n") }),
    ]),
  );
}

export async function startEdgeNetwork(name: EdgeNetworkName, options: EdgeNetworkOptions = {}): Promise<EdgeNetworkListener> {
  const host = options.host ?? "127.0.0.1";
  const clientHelloTimeoutMs = options.clientHelloTimeoutMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const deployments = new Map<number, Deployment>();
  // Later deployments win when two enrollments claim the same hostname.
  let order: number[] = [];
  const connections = new Set<net.Socket>();
  const served = new WeakMap<net.Socket, Served>();

  function find(hostname: string): Deployment | undefined {
    const wanted = normalizeHostname(hostname);
    const labels = wanted.split(".");
    const wildcard = labels.length > 2 ? `*.${labels.slice(1).join(".")}` : undefined;
    const newestFirst = [...order].reverse().map((id) => deployments.get(id)).filter((each): each is Deployment => each !== undefined);
    return newestFirst.find((each) => each.hostnames.includes(wanted)) ?? (wildcard ? newestFirst.find((each) => each.hostnames.includes(wildcard)) : undefined);
  }

  // Parses HTTP on the decrypted sockets handed to it; it never listens itself.
  const http1 = http.createServer((request, response) => {
    const what = served.get(request.socket);
    const body = JSON.stringify({ network: name, servername: what?.servername ?? null, enrollmentId: what?.enrollmentId ?? null, keyAlgorithm: what?.keyAlgorithm ?? null }) + "\n";
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
    response.end(body);
  });
  // Handshake failures (e.g. no cipher in common) and resets are the client's business.
  http1.on("clientError", (_error, socket) => socket.destroy());

  async function accept(raw: net.Socket): Promise<void> {
    connections.add(raw);
    raw.once("close", () => connections.delete(raw));
    // Resets can come at any point; the connection just ends.
    raw.on("error", () => raw.destroy());
    const read = await readClientHello(raw, { timeoutMs: clientHelloTimeoutMs });
    if (raw.destroyed) return;
    if (read.kind === "rejected") {
      raw.destroy();
      return;
    }
    const servername = read.hello.serverName;
    const deployment = servername === undefined ? undefined : find(servername);
    if (servername === undefined || deployment === undefined) {
      raw.setTimeout(clientHelloTimeoutMs, () => raw.destroy());
      raw.end(fatalAlert(servername === undefined ? ALERT_HANDSHAKE_FAILURE : ALERT_UNRECOGNIZED_NAME));
      return;
    }
    const keyAlgorithm = chooseKeyAlgorithm(read.hello, [...deployment.contexts.keys()]);
    raw.unshift(read.buffered);
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: deployment.contexts.get(keyAlgorithm) });
    served.set(secure, { servername, enrollmentId: deployment.enrollmentId, keyAlgorithm });
    connections.add(secure);
    secure.once("close", () => connections.delete(secure));
    secure.setTimeout(idleTimeoutMs, () => secure.destroy());
    secure.on("error", () => secure.destroy());
    secure.once("close", () => raw.destroy());
    http1.emit("connection", secure);
  }

  const server = net.createServer((raw) => void accept(raw));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  const view = (each: Deployment): ServedDeployment => ({ enrollmentId: each.enrollmentId, hostnames: [...each.hostnames], certificates: each.certificates.map((cert) => ({ ...cert })) });

  return {
    name,
    address: `${host}:${port}`,
    port,
    deploy(enrollmentId, hostnames, certificates) {
      const contexts = buildContexts(certificates);
      deployments.set(enrollmentId, { enrollmentId, hostnames: [...new Set(hostnames.map(normalizeHostname))], certificates: certificates.map((cert) => ({ ...cert })), contexts });
      order = [...order.filter((id) => id !== enrollmentId), enrollmentId];
    },
    undeploy(enrollmentId) {
      deployments.delete(enrollmentId);
      order = order.filter((id) => id !== enrollmentId);
    },
    lookup(hostname) {
      const found = find(hostname);
      return found ? view(found) : undefined;
    },
    deployments: () => order.map((id) => deployments.get(id)).filter((each): each is Deployment => each !== undefined).map(view),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.destroy();
      }),
  };
}
