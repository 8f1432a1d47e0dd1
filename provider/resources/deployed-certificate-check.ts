/**
 * What is on the network must be what was declared. CPS reports the deployed certificates
 * (GET /cps/v2/enrollments/{id}/deployments/production, `primaryCertificate` and
 * `multiStackedCertificates`, https://techdocs.akamai.com/cps/reference/get-deployment-production),
 * and a Deployment or CertificateUpload that finishes must not accept one that leaves a declared
 * name uncovered, adds one that was not declared, has the wrong key algorithms, or has expired.
 */
import type { X509Certificate } from "crypto";
import { CodedError } from "./coded-error";
import { certificateDnsNames, commonNameOf } from "./pem";

/** Formerly CPS_DEPLOYED_CERTIFICATE_MISMATCH. */
export const DEPLOYED_CERTIFICATE_MISMATCH = "DeployedCertificateMismatch";

export interface DeployedLeaf {
  keyAlgorithm: string;
  cert: X509Certificate;
}

export interface ExpectedCertificate {
  /** The enrollment's names (CN and SANs). */
  names: readonly string[];
  /** false for third-party `excludeSans`: the names must be covered, further names are allowed. */
  exactNames: boolean;
  /** `RSA`, and `ECDSA` too for dual-stack enrollments. */
  keyAlgorithms: readonly string[];
}

function namesOf(cert: X509Certificate): Set<string> {
  const cn = commonNameOf(cert.subject);
  return new Set([...certificateDnsNames(cert), ...(cn ? [cn.toLowerCase()] : [])]);
}

/** One line per problem; empty when the deployed certificates are what was declared. */
export function deployedCertificateProblems(deployed: readonly DeployedLeaf[], expected: ExpectedCertificate, now: Date): string[] {
  const problems: string[] = [];
  const have = deployed.map((d) => d.keyAlgorithm.toUpperCase()).sort();
  const want = [...new Set(expected.keyAlgorithms.map((a) => a.toUpperCase()))].sort();
  if (have.join("+") !== want.join("+")) problems.push(`key algorithms deployed: ${have.join(" + ") || "none"}; expected: ${want.join(" + ")}`);
  const declared = new Set(expected.names.map((n) => n.toLowerCase()));
  for (const d of deployed) {
    const what = `the ${d.keyAlgorithm.toUpperCase()} certificate (serial ${d.cert.serialNumber})`;
    const names = namesOf(d.cert);
    const missing = [...declared].filter((n) => !names.has(n));
    const extra = expected.exactNames ? [...names].filter((n) => !declared.has(n)) : [];
    if (missing.length > 0) problems.push(`${what} does not cover ${missing.join(", ")}`);
    if (extra.length > 0) problems.push(`${what} also names ${extra.join(", ")}, which the enrollment does not`);
    if (Date.parse(d.cert.validTo) <= now.getTime()) problems.push(`${what} expired on ${new Date(d.cert.validTo).toISOString()}`);
  }
  return problems;
}

export function deployedCertificateMismatch(enrollmentId: number, network: string, problems: readonly string[]): CodedError {
  return new CodedError(
    DEPLOYED_CERTIFICATE_MISMATCH,
    `Enrollment ${enrollmentId}: the certificate CPS reports on the ${network} network is not what the enrollment declares: ${problems.join("; ")}. ` +
      "Check the enrollment's names and the change history in Control Center before serving traffic with it.",
  );
}
