/**
 * A TLS listener standing for one Akamai edge network (staging or production). It serves, by SNI,
 * the certificate deployed on that network for the hostname: exact names first, then a wildcard
 * `*.parent` covering one label. An unknown or missing SNI fails the handshake: there is no
 * default certificate.
 *
 * Dual-stacked enrollments (RSA + ECDSA): the real edge picks per client. Node cannot: when
 * SNICallback switches contexts it installs only ONE certificate/key of the new context on the
 * connection (verified: with both in the context, TLS 1.2 ECDHE-RSA clients fail, and a leftover
 * key type from the initial context is served instead). So a dual-stacked deployment serves its RSA
 * certificate to every client; `lookup()` still reports both as deployed.
 * After the handshake it answers any HTTP request with a small 200 JSON saying what was served.
 */
import * as https from "node:https";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import type { DeployedCertificate, EdgeNetwork, EdgeNetworkName } from "../seams";

export interface EdgeNetworkOptions {
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
}

interface Deployment {
  enrollmentId: number;
  hostnames: string[];
  certificates: DeployedCertificate[];
  context: tls.SecureContext;
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

function normalizeHostname(name: string): string {
  return name.trim().replace(/\.$/, "").toLowerCase();
}

function buildContext(certificates: DeployedCertificate[]): tls.SecureContext {
  if (certificates.length === 0) throw new Error("deploy needs at least one certificate");
  const algorithms = certificates.map((each) => each.keyAlgorithm);
  if (new Set(algorithms).size !== algorithms.length) throw new Error(`at most one certificate per key algorithm, got ${algorithms.join(", ")}`);
  // Validate every pair (createSecureContext throws on a key that does not match its certificate)…
  const contexts = certificates.map((each) => ({
    keyAlgorithm: each.keyAlgorithm,
    context: tls.createSecureContext({ key: each.privateKeyPem, cert: `${each.certificatePem.trim()}\n${each.trustChainPem.trim()}\n`.replace(/\n+$/, "\n") }),
  }));
  // …then serve one: RSA when dual-stacked (see the file comment).
  return (contexts.find((each) => each.keyAlgorithm === "RSA") ?? contexts[0])!.context;
}

export async function startEdgeNetwork(name: EdgeNetworkName, options: EdgeNetworkOptions = {}): Promise<EdgeNetworkListener> {
  const host = options.host ?? "127.0.0.1";
  const deployments = new Map<number, Deployment>();
  // Later deployments win when two enrollments claim the same hostname.
  let order: number[] = [];

  function find(hostname: string): Deployment | undefined {
    const wanted = normalizeHostname(hostname);
    const labels = wanted.split(".");
    const wildcard = labels.length > 2 ? `*.${labels.slice(1).join(".")}` : undefined;
    const newestFirst = [...order].reverse().map((id) => deployments.get(id)).filter((each): each is Deployment => each !== undefined);
    return newestFirst.find((each) => each.hostnames.includes(wanted)) ?? (wildcard ? newestFirst.find((each) => each.hostnames.includes(wildcard)) : undefined);
  }

  const server = https.createServer(
    {
      SNICallback: (servername, callback) => {
        const deployment = find(servername);
        if (deployment) callback(null, deployment.context);
        else callback(new Error(`no certificate deployed on ${name} for ${servername}`));
      },
    },
    (request, response) => {
      const servername = (request.socket as tls.TLSSocket).servername;
      const deployment = typeof servername === "string" ? find(servername) : undefined;
      const body = JSON.stringify({ network: name, servername, enrollmentId: deployment?.enrollmentId ?? null }) + "\n";
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" });
      response.end(body);
    },
  );
  // Handshake failures are the expected outcome for unknown names; keep them from surfacing as errors.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const view = (each: Deployment): ServedDeployment => ({ enrollmentId: each.enrollmentId, hostnames: [...each.hostnames], certificates: each.certificates.map((cert) => ({ ...cert })) });

  return {
    name,
    address: `${host}:${port}`,
    port,
    deploy(enrollmentId, hostnames, certificates) {
      const context = buildContext(certificates);
      deployments.set(enrollmentId, { enrollmentId, hostnames: [...new Set(hostnames.map(normalizeHostname))], certificates: certificates.map((cert) => ({ ...cert })), context });
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
        server.closeAllConnections();
      }),
  };
}
