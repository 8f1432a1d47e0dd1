/**
 * The emulator's own certificate hierarchy: a root and an intermediate created per emulator (ECDSA
 * P-256, fast to generate), which sign leaf certificates for CSRs — CN and SANs from the CSR,
 * random serial, AKI/SKI, serverAuth EKU — like a public CA would.
 */
import type { IssuedCertificate } from "../seams";
import { generateKeyPair, randomSerialHex, x509, type CryptoKeyPair } from "./crypto";
import { coveredNames, parseCsr, subjectField } from "./parse";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertificateHierarchy {
  rootPem: string;
  intermediatePem: string;
  /** Sign a leaf for the CSR. Names default to the CSR's CN + SANs. */
  issueLeaf(csrPem: string, options: LeafOptions): Promise<IssuedCertificate>;
}

export interface LeafOptions {
  notBefore: Date;
  notAfter: Date;
  /** Override the names (default: CN + SANs of the CSR). The first is the CN when the CSR has none. */
  names?: string[];
  /** OV/EV: the validated organization, put into the subject next to the CN as a CA does. */
  organization?: SubjectOrganization;
}

/** The organization fields of an OV/EV certificate's subject. */
export interface SubjectOrganization {
  o?: string | null;
  l?: string | null;
  st?: string | null;
  c?: string | null;
}

function subjectOf(commonName: string, org: SubjectOrganization | undefined): Array<Record<string, string[]>> {
  const rdns: Array<Record<string, string[]>> = [];
  if (org?.c) rdns.push({ C: [org.c] });
  if (org?.st) rdns.push({ ST: [org.st] });
  if (org?.l) rdns.push({ L: [org.l] });
  if (org?.o) rdns.push({ O: [org.o] });
  rdns.push({ CN: [commonName] });
  return rdns;
}

export interface HierarchyOptions {
  /** Distinguishes several emulators' roots in a trust store (default "CPS Emulator"). */
  label?: string;
  /** When the CA certificates start to be valid (default now − 1 day; they last 20 years). */
  notBefore?: Date;
}

export async function createCertificateHierarchy(options: HierarchyOptions = {}): Promise<CertificateHierarchy> {
  const label = options.label ?? "CPS Emulator";
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = new Date(notBefore.getTime() + 20 * 365 * DAY_MS);
  const signingAlgorithm = { name: "ECDSA", hash: "SHA-256" };

  const rootKeys = await generateKeyPair("ECDSA");
  const rootName = `CN=${label} Root CA, O=pulumi-akamai-cps emulator`;
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(),
    name: rootName,
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  const intermediateKeys = await generateKeyPair("ECDSA");
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialHex(),
    subject: `CN=${label} Issuing CA E1, O=pulumi-akamai-cps emulator`,
    issuer: root.subjectName,
    notBefore,
    notAfter,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });

  return {
    rootPem: root.toString("pem") + "\n",
    intermediatePem: intermediate.toString("pem") + "\n",
    issueLeaf: (csrPem, leafOptions) => signLeaf(csrPem, leafOptions, intermediate, intermediateKeys),
  };
}

async function signLeaf(csrPem: string, options: LeafOptions, issuer: x509.X509Certificate, issuerKeys: CryptoKeyPair): Promise<IssuedCertificate> {
  const csr = parseCsr(csrPem);
  if (!(await csr.verify())) throw new Error("the CSR's signature does not verify");
  const names = options.names ?? coveredNames(csr);
  const commonName = subjectField(csr, "CN") ?? names[0];
  if (!commonName) throw new Error("the CSR has neither a CN nor SANs");
  const serialHex = randomSerialHex();
  const isEc = csr.publicKey.algorithm.name === "ECDSA";
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex,
    subject: subjectOf(commonName, options.organization),
    issuer: issuer.subjectName,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    publicKey: csr.publicKey,
    signingKey: issuerKeys.privateKey,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(isEc ? x509.KeyUsageFlags.digitalSignature : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: "dns" as const, value: name }))),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuerKeys.publicKey),
    ],
  });
  return {
    certificatePem: cert.toString("pem") + "\n",
    trustChainPem: issuer.toString("pem") + "\n",
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    serialHex: cert.serialNumber.toLowerCase(),
  };
}
