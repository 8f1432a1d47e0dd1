/**
 * One place that wires @peculiar/x509 to Node's WebCrypto and converts keys to and from PEM,
 * so the rest of the PKI code never touches provider setup or key encodings.
 */
// @peculiar/x509 2 resolves its services through tsyringe, which needs the Reflect metadata polyfill first.
import "reflect-metadata";
import { webcrypto, createHash, randomBytes } from "node:crypto";
import * as x509 from "@peculiar/x509";
import type { KeyAlgorithm } from "../seams";

// The project compiles without the DOM lib, so WebCrypto types come from node:crypto's namespace.
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningParams = webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;

x509.cryptoProvider.set(webcrypto);

export { x509 };
export const subtle = webcrypto.subtle;

export type HashName = "SHA-256" | "SHA-1";

/** `SHA-256` unless CPS's `signatureAlgorithm` asks for SHA-1 (spelled `SHA-1`, `SHA1`, `sha1WithRSAEncryption`…). */
export function hashFromSignatureAlgorithm(signatureAlgorithm: string | null | undefined): HashName {
  return signatureAlgorithm && /sha-?1(?!\d)/i.test(signatureAlgorithm) ? "SHA-1" : "SHA-256";
}

export function keyGenParams(algorithm: KeyAlgorithm, hash: HashName): webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams {
  return algorithm === "RSA"
    ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash }
    : { name: "ECDSA", namedCurve: "P-256" };
}

/** What @peculiar/x509 needs to sign with a key of this algorithm (for RSA the hash is bound to the key). */
export function signingAlgorithm(algorithm: KeyAlgorithm, hash: HashName): SigningParams {
  return algorithm === "RSA" ? { name: "RSASSA-PKCS1-v1_5", hash } : { name: "ECDSA", hash };
}

export async function generateKeyPair(algorithm: KeyAlgorithm, hash: HashName = "SHA-256"): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(keyGenParams(algorithm, hash), true, ["sign", "verify"])) as CryptoKeyPair;
}

export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const body = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return toPem(await subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** Import a PKCS#8 PEM private key for signing. */
export async function importPrivateKeyPem(pem: string, algorithm: KeyAlgorithm, hash: HashName = "SHA-256"): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
  return subtle.importKey("pkcs8", der, keyGenParams(algorithm, hash), true, ["sign"]);
}

/** SHA-256 of a SubjectPublicKeyInfo (DER), hex. */
export function spkiFingerprint(spkiDer: ArrayBuffer | Uint8Array): string {
  return createHash("sha256").update(Buffer.from(spkiDer instanceof Uint8Array ? spkiDer : new Uint8Array(spkiDer))).digest("hex");
}

/** A positive 128-bit serial number, hex (top bit cleared so DER needs no sign byte games). */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f || 0x01;
  return bytes.toString("hex");
}
