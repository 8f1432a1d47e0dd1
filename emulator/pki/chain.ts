/** Chain verification: leaf → intermediates (any order) → one of the trusted roots. */
import { X509Certificate } from "node:crypto";
import { splitPem } from "./parse";

export type ChainVerdict =
  | { ok: true; /** Subjects from the leaf up to the trusted root. */ path: string[] }
  | { ok: false; reason: string };

export interface VerifyChainOptions {
  /** Check validity dates against this instant (default: skip date checks). */
  at?: Date;
}

function toNodeCerts(pemBundle: string): X509Certificate[] {
  return splitPem(pemBundle).map((pem) => new X509Certificate(pem));
}

function validAt(cert: X509Certificate, at: Date): boolean {
  return new Date(cert.validFrom).getTime() <= at.getTime() && at.getTime() <= new Date(cert.validTo).getTime();
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

export function verifyChain(leafPem: string, trustChainPem: string, trustedRootsPem: string, options: VerifyChainOptions = {}): ChainVerdict {
  let leaf: X509Certificate;
  let intermediates: X509Certificate[];
  let roots: X509Certificate[];
  try {
    const leaves = toNodeCerts(leafPem);
    if (leaves.length === 0 || !leaves[0]) return { ok: false, reason: "no certificate given" };
    leaf = leaves[0];
    intermediates = toNodeCerts(trustChainPem);
    roots = toNodeCerts(trustedRootsPem);
  } catch (error) {
    return { ok: false, reason: `a certificate does not parse: ${(error as Error).message}` };
  }
  const path = [leaf.subject];
  let current = leaf;
  const unused = [...intermediates];
  // Each step either reaches a root or consumes one intermediate, so this ends.
  for (;;) {
    if (options.at && !validAt(current, options.at)) {
      return { ok: false, reason: `"${current.subject.replace(/\n/g, ", ")}" is not valid at ${options.at.toISOString()} (valid ${current.validFrom} – ${current.validTo})` };
    }
    const root = roots.find((candidate) => signedBy(current, candidate));
    if (root) {
      if (options.at && !validAt(root, options.at)) return { ok: false, reason: `the root "${root.subject.replace(/\n/g, ", ")}" is not valid at ${options.at.toISOString()}` };
      if (root.fingerprint256 !== current.fingerprint256) path.push(root.subject);
      return { ok: true, path };
    }
    const index = unused.findIndex((candidate) => signedBy(current, candidate));
    const next = index >= 0 ? unused[index] : undefined;
    if (!next) {
      return { ok: false, reason: `no trusted issuer found for "${current.subject.replace(/\n/g, ", ")}" (issuer "${current.issuer.replace(/\n/g, ", ")}")` };
    }
    unused.splice(index, 1);
    path.push(next.subject);
    current = next;
  }
}
