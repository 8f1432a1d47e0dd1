/**
 * Exact versioned media types (https://techdocs.akamai.com/cps/reference/internal-versioning). CPS maps a request to an operation by these, so
 * every request names the version it was written against; `application/json` is never sent.
 */
const cps = (entity: string, version: number): string => `application/vnd.akamai.cps.${entity}.v${version}+json`;

export const MediaType = {
  /**
   * Enrollment v12: the newest published version (AA-25, Akamai's PowerShell module). It is v11
   * plus `networkConfiguration.fipsMode` and stricter strings, so sending it lets users set FIPS
   * mode; servers that only know v11 answer 406 and the client falls back to v11 once.
   */
  enrollmentV12: cps("enrollment", 12),
  enrollmentV11: cps("enrollment", 11),
  enrollmentsV12: cps("enrollments", 12),
  enrollmentsV11: cps("enrollments", 11),
  enrollmentStatus: cps("enrollment-status", 1),
  change: cps("change", 2),
  changeId: cps("change-id", 1),
  dvChallenges: cps("dv-challenges", 2),
  csr: cps("csr", 2),
  warnings: cps("warnings", 1),
  acknowledgement: cps("acknowledgement", 1),
  acknowledgementWithHash: cps("acknowledgement-with-hash", 1),
  certificateAndTrustChain: cps("certificate-and-trust-chain", 2),
  changeManagementInfo: cps("change-management-info", 6),
  deployment: cps("deployment", 8),
  deployments: cps("deployments", 8),
  deploymentSchedule: cps("deployment-schedule", 1),
  certificateHistory: cps("certificate-history", 2),
  changeHistory: cps("change-history", 5),
  dvHistory: cps("dv-history", 1),
  activeCertificates: cps("active-certificates", 2),
  json: "application/json",
  problem: "application/problem+json",
} as const;

/** The bare media type of a Content-Type header: parameters such as `; charset=utf-8` dropped. */
export function essence(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** True when a response Content-Type can carry a JSON body. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = essence(contentType);
  return type === "application/json" || type.endsWith("+json");
}
