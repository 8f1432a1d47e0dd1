import { x509 } from "./x509-setup";
import { webcrypto } from "crypto";

export interface TlsIdentity {
  /** PEM of the emulator's private CA (clients trust this). */
  caCertPem: string;
  /** Server certificate for 127.0.0.1 / localhost, PEM (leaf + CA). */
  certPem: string;
  keyPem: string;
}

const ECDSA = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

export function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A fresh CA and a server certificate for the API's HTTPS listener; nothing is reused between runs. */
export async function createTlsIdentity(hostnames: string[] = ["localhost"], ips: string[] = ["127.0.0.1"]): Promise<TlsIdentity> {
  const now = Date.now();
  const caKeys = (await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=CPS emulator local CA",
    keys: caKeys,
    signingAlgorithm: SIGN,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const serverKeys = (await webcrypto.subtle.generateKey(ECDSA, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const server = await x509.X509CertificateGenerator.create({
    subject: "CN=localhost",
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGN,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...hostnames.map((value) => ({ type: "dns" as const, value })),
        ...ips.map((value) => ({ type: "ip" as const, value })),
      ]),
    ],
  });
  const keyDer = await webcrypto.subtle.exportKey("pkcs8", serverKeys.privateKey);
  const caCertPem = ca.toString("pem") + "\n";
  return { caCertPem, certPem: server.toString("pem") + "\n" + caCertPem, keyPem: toPem(keyDer, "PRIVATE KEY") };
}
