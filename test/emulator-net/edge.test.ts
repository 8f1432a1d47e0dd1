import * as tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { startEdgeNetwork, type EdgeNetworkListener } from "../../emulator/edge/edge-network";
import { createCertificateHierarchy, type CertificateHierarchy } from "../../emulator/pki/builtin-pki";
import { createKeyFactory } from "../../emulator/pki/key-factory";
import type { DeployedCertificate, KeyAlgorithm } from "../../emulator/seams";

const DAY = 24 * 60 * 60 * 1000;

interface HandshakeResult {
  authorized: boolean;
  authorizationError?: string;
  subject?: string;
  keyType?: string;
  body: string;
}

/** A real client handshake that trusts only `ca` and checks the hostname, then one HTTP request. */
function connect(address: string, servername: string, ca: string, extra: tls.ConnectionOptions = {}): Promise<HandshakeResult> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port: Number(port), servername, ca, checkServerIdentity: tls.checkServerIdentity, ...extra }, () => {
      const peer = socket.getPeerX509Certificate();
      const result = { authorized: socket.authorized, authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined, subject: peer?.subject, keyType: peer?.publicKey.asymmetricKeyType };
      let body = "";
      socket.on("data", (chunk: Buffer) => (body += chunk.toString()));
      socket.on("end", () => resolve({ ...result, body }));
      socket.write(`GET / HTTP/1.1\r\nHost: ${servername}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("error", reject);
  });
}

async function certificateFor(pki: CertificateHierarchy, names: string[], keyAlgorithm: KeyAlgorithm): Promise<DeployedCertificate> {
  const key = await createKeyFactory().generate({ commonName: names[0] as string, sans: names, subject: {}, keyAlgorithm });
  const issued = await pki.issueLeaf(key.csrPem, { notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 90 * DAY) });
  return { keyAlgorithm, certificatePem: issued.certificatePem, trustChainPem: issued.trustChainPem, privateKeyPem: key.privateKeyPem };
}

describe("edge network TLS listener", () => {
  let pki: CertificateHierarchy;
  let production: EdgeNetworkListener;
  let staging: EdgeNetworkListener;

  beforeAll(async () => {
    pki = await createCertificateHierarchy();
    [production, staging] = await Promise.all([startEdgeNetwork("production"), startEdgeNetwork("staging")]);
  });
  afterAll(async () => {
    await Promise.all([production?.close(), staging?.close()]);
  });

  it("serves the deployed certificate by SNI with a chain a client trusting the root accepts", async () => {
    production.deploy(11, ["www.example.test", "example.test"], [await certificateFor(pki, ["www.example.test", "example.test"], "ECDSA")]);
    const result = await connect(production.address, "www.example.test", pki.rootPem);
    expect(result).toMatchObject({ authorized: true, subject: "CN=www.example.test" });
    expect(JSON.parse(result.body.split("\r\n\r\n")[1] ?? "{}")).toEqual({ network: "production", servername: "www.example.test", enrollmentId: 11 });
    expect(production.lookup("EXAMPLE.test")?.enrollmentId).toBe(11);
  });

  it("fails the handshake for an unknown SNI and for a network where nothing is deployed", async () => {
    await expect(connect(production.address, "unknown.example.test", pki.rootPem)).rejects.toThrow();
    await expect(connect(staging.address, "www.example.test", pki.rootPem)).rejects.toThrow();
  });

  it("matches a wildcard for one label only", async () => {
    production.deploy(12, ["*.wild.test"], [await certificateFor(pki, ["*.wild.test"], "RSA")]);
    expect(await connect(production.address, "a.wild.test", pki.rootPem)).toMatchObject({ authorized: true, subject: "CN=*.wild.test" });
    await expect(connect(production.address, "b.a.wild.test", pki.rootPem)).rejects.toThrow();
  });

  it("serves the RSA certificate of a dual-stacked deployment to every client (Node cannot choose per client)", async () => {
    const names = ["dual.example.test"];
    staging.deploy(13, names, [await certificateFor(pki, names, "ECDSA"), await certificateFor(pki, names, "RSA")]);
    const ecdsaFirst = await connect(staging.address, "dual.example.test", pki.rootPem, { sigalgs: "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256" });
    const tls12 = await connect(staging.address, "dual.example.test", pki.rootPem, { maxVersion: "TLSv1.2" });
    expect([ecdsaFirst.keyType, tls12.keyType]).toEqual(["rsa", "rsa"]);
    expect([ecdsaFirst.authorized, tls12.authorized]).toEqual([true, true]);
    expect(staging.lookup("dual.example.test")?.certificates.map((each) => each.keyAlgorithm)).toEqual(["ECDSA", "RSA"]);
  });

  it("stops serving after undeploy and rejects a key that does not match its certificate", async () => {
    staging.undeploy(13);
    await expect(connect(staging.address, "dual.example.test", pki.rootPem)).rejects.toThrow();
    const good = await certificateFor(pki, ["x.example.test"], "ECDSA");
    const other = await certificateFor(pki, ["y.example.test"], "ECDSA");
    expect(() => staging.deploy(14, ["x.example.test"], [{ ...good, privateKeyPem: other.privateKeyPem }])).toThrow();
  });

  it("lets a client see an expired certificate for what it is", async () => {
    const key = await createKeyFactory().generate({ commonName: "old.example.test", sans: ["old.example.test"], subject: {}, keyAlgorithm: "ECDSA" });
    const issued = await pki.issueLeaf(key.csrPem, { notBefore: new Date(Date.now() - 100 * DAY), notAfter: new Date(Date.now() - DAY) });
    production.deploy(15, ["old.example.test"], [{ keyAlgorithm: "ECDSA", certificatePem: issued.certificatePem, trustChainPem: issued.trustChainPem, privateKeyPem: key.privateKeyPem }]);
    const result = await connect(production.address, "old.example.test", pki.rootPem, { rejectUnauthorized: false });
    expect(result).toMatchObject({ authorized: false, authorizationError: "CERT_HAS_EXPIRED" });
    expect(new X509Certificate(issued.certificatePem).subject).toBe(result.subject);
  });
});
