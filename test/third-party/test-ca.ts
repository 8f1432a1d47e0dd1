/** A small CA for tests: root → intermediate → leaves issued from real CSRs (or fresh keys). */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "crypto";

x509.cryptoProvider.set(x509.CryptoProvider.DEFAULT, webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

const EC = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const RSA = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } as const;
const DAY = 86_400_000;

export interface Issuer {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
}

async function ecKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

export async function createRoot(name = "CN=Test Root"): Promise<Issuer> {
  const keys = await ecKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    signingAlgorithm: EC,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { cert, keys, pem: cert.toString("pem") + "\n" };
}

export async function createIntermediate(root: Issuer, name = "CN=Test Intermediate", validity = { from: -DAY, to: 3000 * DAY }): Promise<Issuer> {
  const keys = await ecKeys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: "02",
    subject: name,
    issuer: root.cert.subject,
    publicKey: keys.publicKey,
    signingKey: root.keys.privateKey,
    signingAlgorithm: EC,
    notBefore: new Date(Date.now() + validity.from),
    notAfter: new Date(Date.now() + validity.to),
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  return { cert, keys, pem: cert.toString("pem") + "\n" };
}

export interface LeafOptions {
  names: string[];
  /** Defaults to a fresh ECDSA key. */
  publicKey?: x509.PublicKey | webcrypto.CryptoKey;
  notBefore?: Date;
  notAfter?: Date;
  /** Subject DN; default `CN=<first name>`. */
  subject?: string;
}

let serial = 100;

export async function issueLeaf(issuer: Issuer, o: LeafOptions): Promise<string> {
  const publicKey = o.publicKey ?? (await ecKeys()).publicKey;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, "0"),
    subject: o.subject ?? `CN=${o.names[0]}`,
    issuer: issuer.cert.subject,
    publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: EC,
    notBefore: o.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: o.notAfter ?? new Date(Date.now() + 180 * DAY),
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.SubjectAlternativeNameExtension(o.names.map((value) => ({ type: "dns" as const, value })))],
  });
  return cert.toString("pem") + "\n";
}

/** Issue a leaf for a CSR: its key, its subject and SANs (as a private CA would). */
export async function issueFromCsr(issuer: Issuer, csrPem: string, o: Omit<LeafOptions, "names" | "publicKey"> = {}): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(csrPem);
  const cn = /CN=([^,]+)/.exec(csr.subject)?.[1] ?? "unknown";
  const raw = csr.getExtension("2.5.29.17");
  const sans = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData).names.items.map((n) => n.value) : [];
  return issueLeaf(issuer, { ...o, subject: csr.subject, names: [cn, ...sans.filter((s) => s !== cn)], publicKey: csr.publicKey });
}

/** A fresh RSA public key (for key-type mismatch cases). */
export async function rsaPublicKey(): Promise<webcrypto.CryptoKey> {
  return ((await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair).publicKey;
}
