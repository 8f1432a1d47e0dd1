/**
 * What the user's change removed from the certificate: the names on the production certificate
 * that the enrollment no longer declares. Read only when CPS raised post-verification warnings.
 */
import { X509Certificate } from "crypto";
import type { CpsApi, Deployment } from "../cps";
import { ExpectedWarnings, sanRemovalExpectation } from "../lifecycle/expected-warnings";
import { certificateDnsNames } from "./pem";

function namesOn(d: Deployment | undefined): string[] {
  const all = [d?.primaryCertificate, ...(d?.multiStackedCertificates ?? [])];
  return all.flatMap((c) => (c?.certificate ? certificateDnsNames(new X509Certificate(c.certificate)) : []));
}

export async function sanRemovalOf(client: CpsApi, enrollmentId: number): Promise<ExpectedWarnings | undefined> {
  const [enrollment, production] = await Promise.all([
    client.getEnrollment(enrollmentId),
    // undefined when nothing is on production (the client's answer for CPS's 404)
    client.getProductionDeployment(enrollmentId),
  ]);
  return sanRemovalExpectation(namesOn(production), [enrollment.csr.cn, ...(enrollment.csr.sans ?? [])]);
}
