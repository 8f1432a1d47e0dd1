import * as net from "node:net";
import * as tls from "node:tls";
import { X509Certificate } from "node:crypto";
import { PassThrough } from "node:stream";
import { startEdgeNetwork, type EdgeNetworkListener } from "../../emulator/edge/edge-network";
import { readClientHello } from "../../emulator/edge/client-hello-reader";
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

/** Sends `bytes`, then resolves with how many bytes the listener sent back before closing. */
function bytesUntilClosed(address: string, bytes: Buffer): Promise<number> {
  const [host, port] = address.split(":");
  return new Promise((resolve) => {
    let received = 0;
    const socket = net.connect({ host, port: Number(port) }, () => socket.write(bytes));
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(received));
  });
}

/** Re-frames one handshake record's payload into records of at most `size` bytes each. */
function splitIntoRecords(record: Buffer, size: number): Buffer {
  const payload = record.subarray(5);
  const records: Buffer[] = [];
  for (let offset = 0; offset < payload.length; offset += size) {
    const fragment = payload.subarray(offset, offset + size);
    const header = Buffer.from([0x16, record[1] as number, record[2] as number, 0, 0]);
    header.writeUInt16BE(fragment.length, 3);
    records.push(header, fragment);
  }
  return Buffer.concat(records);
}

/** The first TLS record a real Node client sends (its ClientHello) for `servername`. */
async function captureClientHello(servername: string, extra: tls.ConnectionOptions): Promise<Buffer> {
  let client: tls.TLSSocket | undefined;
  const server = net.createServer();
  try {
    const captured = new Promise<Buffer>((resolve) => {
      server.once("connection", (socket) => {
        let bytes = Buffer.alloc(0);
        socket.on("data", (chunk: Buffer) => {
          bytes = Buffer.concat([bytes, chunk]);
          if (bytes.length >= 5 && bytes.length >= 5 + bytes.readUInt16BE(3)) {
            resolve(bytes.subarray(0, 5 + bytes.readUInt16BE(3)));
            socket.destroy();
          }
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    client = tls.connect({ host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, servername, ...extra });
    client.on("error", () => undefined);
    return await captured;
  } finally {
    client?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Proxy {
  address: string;
  /** How many writes the ClientHello record was sent in. */
  helloWrites(): number;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy to `target` that holds the client's first TLS record (its ClientHello),
 * sends it upstream as the writes `reshape` returns (each awaited, Nagle off), then relays as is.
 */
async function startProxy(target: string, reshape: (hello: Buffer) => Buffer[]): Promise<Proxy> {
  const [host, port] = target.split(":");
  const sockets = new Set<net.Socket>();
  let writes = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host, port: Number(port) });
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.once("close", () => (client.destroy(), upstream.destroy()));
    }
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 5 || pending.length < 5 + pending.readUInt16BE(3)) return;
      client.off("data", onData);
      client.pause();
      const end = 5 + pending.readUInt16BE(3);
      const pieces = [...reshape(pending.subarray(0, end)), pending.subarray(end)].filter((piece) => piece.length > 0);
      void (async () => {
        for (const piece of pieces) {
          await new Promise<void>((resolve, reject) => upstream.write(piece, (error) => (error ? reject(error) : resolve())));
          writes += 1;
        }
        client.pipe(upstream);
        client.resume();
      })().catch(() => client.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    helloWrites: () => writes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
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
    expect(JSON.parse(result.body.split("\r\n\r\n")[1] ?? "{}")).toEqual({ network: "production", servername: "www.example.test", enrollmentId: 11, keyAlgorithm: "ECDSA" });
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

  describe("a dual-stacked deployment", () => {
    const names = ["dual.example.test"];
    beforeAll(async () => {
      staging.deploy(13, names, [await certificateFor(pki, names, "ECDSA"), await certificateFor(pki, names, "RSA")]);
    });

    it("serves ECDSA to a TLS 1.2 client whose only cipher suites are ECDHE-ECDSA", async () => {
      const result = await connect(staging.address, names[0]!, pki.rootPem, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" });
      expect(result).toMatchObject({ authorized: true, keyType: "ec" });
      expect(JSON.parse(result.body.split("\r\n\r\n")[1] ?? "{}")).toMatchObject({ enrollmentId: 13, keyAlgorithm: "ECDSA" });
    });

    it("serves ECDSA to a TLS 1.3 client offering only ecdsa_secp256r1_sha256", async () => {
      const result = await connect(staging.address, names[0]!, pki.rootPem, { minVersion: "TLSv1.3", sigalgs: "ecdsa_secp256r1_sha256" });
      expect(result).toMatchObject({ authorized: true, keyType: "ec" });
    });

    it("serves RSA to a TLS 1.2 client whose only cipher suites are ECDHE-RSA", async () => {
      const result = await connect(staging.address, names[0]!, pki.rootPem, { maxVersion: "TLSv1.2", ciphers: "ECDHE-RSA-AES128-GCM-SHA256" });
      expect(result).toMatchObject({ authorized: true, keyType: "rsa" });
      expect(JSON.parse(result.body.split("\r\n\r\n")[1] ?? "{}")).toMatchObject({ enrollmentId: 13, keyAlgorithm: "RSA" });
    });

    it("serves RSA to a TLS 1.3 client offering only rsa_pss_rsae_sha256", async () => {
      // The emulator's CA keys are ECDSA, so this client may reject the chain's signatures; what is
      // asserted is which certificate the listener served (not authorization).
      const result = await connect(staging.address, names[0]!, pki.rootPem, { minVersion: "TLSv1.3", sigalgs: "rsa_pss_rsae_sha256", rejectUnauthorized: false });
      expect(result.keyType).toBe("rsa");
    });

    it("serves a default client one of them, which it verifies, and still reports both as deployed", async () => {
      const result = await connect(staging.address, names[0]!, pki.rootPem);
      expect(result.authorized).toBe(true);
      expect(["ec", "rsa"]).toContain(result.keyType);
      expect(staging.lookup(names[0]!)?.certificates.map((each) => each.keyAlgorithm)).toEqual(["ECDSA", "RSA"]);
    });

    it("reads a ClientHello that arrives one byte per TCP write", async () => {
      const proxy = await startProxy(staging.address, (hello) => [...hello].map((byte) => Buffer.from([byte])));
      try {
        const result = await connect(proxy.address, names[0]!, pki.rootPem, { maxVersion: "TLSv1.2", ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256" });
        expect(result).toMatchObject({ authorized: true, keyType: "ec" });
        expect(proxy.helloWrites()).toBeGreaterThan(100);
      } finally {
        await proxy.close();
      }
    });

    it("reassembles a real ClientHello delivered one byte per read, keeping every byte for the TLS layer", async () => {
      const hello = await captureClientHello("Dual.Example.Test", { minVersion: "TLSv1.3", sigalgs: "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256" });
      const stream = new PassThrough();
      const reading = readClientHello(stream, { timeoutMs: 5_000 });
      for (const byte of hello) stream.write(Buffer.from([byte]));
      const read = await reading;
      expect(read.kind).toBe("hello");
      if (read.kind !== "hello") return;
      expect(read.hello.serverName).toBe("dual.example.test");
      expect(read.hello.signatureAlgorithms).toEqual([0x0403, 0x0804]);
      expect(read.buffered.equals(hello)).toBe(true);
    });

    it("reads a ClientHello fragmented across several TLS records", async () => {
      const proxy = await startProxy(staging.address, (hello) => [splitIntoRecords(hello, 37)]);
      try {
        const result = await connect(proxy.address, names[0]!, pki.rootPem, { minVersion: "TLSv1.3", sigalgs: "ecdsa_secp256r1_sha256" });
        expect(result).toMatchObject({ authorized: true, keyType: "ec" });
      } finally {
        await proxy.close();
      }
    });
  });

  it("fails the handshake for a client that sends no SNI", async () => {
    const [host, port] = production.address.split(":");
    // Connecting to an IP address without `servername`: Node sends no server_name extension.
    const failure = new Promise<Error>((resolve) => tls.connect({ host, port: Number(port), ca: pki.rootPem }).once("error", resolve));
    expect((await failure).message).toMatch(/handshake failure|alert/i);
  });

  it("closes a connection that sends garbage, an oversized ClientHello or nothing, and keeps serving", async () => {
    const slow = await startEdgeNetwork("production", { clientHelloTimeoutMs: 200 });
    try {
      expect(await bytesUntilClosed(production.address, Buffer.from("GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n"))).toBe(0);
      expect(await bytesUntilClosed(production.address, Buffer.from([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x4f, 0xfc]))).toBe(0);
      expect(await bytesUntilClosed(production.address, Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03]))).toBe(0);
      // Half a record header, then silence: the listener gives up on the client.
      expect(await bytesUntilClosed(slow.address, Buffer.from([0x16, 0x03]))).toBe(0);
      expect(await connect(production.address, "www.example.test", pki.rootPem)).toMatchObject({ authorized: true });
    } finally {
      await slow.close();
    }
  });

  it("stops serving after undeploy and rejects a key that does not match its certificate", async () => {
    staging.undeploy(13);
    await expect(connect(staging.address, "dual.example.test", pki.rootPem)).rejects.toThrow(/unrecognized name|alert/i);
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
