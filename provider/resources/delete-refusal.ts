/**
 * Refusing to delete a certificate that is live on production. The engine deletes dependents first
 * (Deployment, then DvValidation, then the DNS records, then the Enrollment), so a refusal that only
 * the Enrollment makes comes after the records are gone. The Deployment therefore makes the same
 * check, with the same opt-in, before anything else is deleted.
 *
 * A site's traffic reaches the certificate through its CNAME and secure edge hostname, which a
 * destroy deletes before the Deployment (the CNAME needs the edge hostname's name, the edge
 * hostname waits for the deployment). So both refuse too while the certificate they serve is live
 * on production: deleting either stops the site before the Deployment's refusal could keep it up.
 */
import { CodedError } from "./coded-error";

/** Formerly CPS_DELETE_REFUSED_LIVE_ON_PRODUCTION. */
export const DELETE_REFUSED = "DeleteRefusedWhileDeployed";

/** Who refuses: the certificate's own resources, or what sends a site's traffic to it (`name` is the edge hostname or the CNAME's name). */
export type RefusingResource = "Enrollment" | "Deployment" | { kind: "SecureEdgeHostname" | "EdgeDnsCnameRecord"; name: string };

export function liveOnProductionRefusal(enrollmentId: number, who: RefusingResource): CodedError {
  const live = `Enrollment ${enrollmentId} has a certificate live on the production network`;
  let first: string;
  let where = "on the Enrollment and on its Deployment";
  if (who === "Deployment") {
    first = `${live}, so its Deployment refuses to be deleted before anything else is: deleting the enrollment would stop TLS for its hostnames.`;
  } else if (who === "Enrollment") {
    first = `${live}; deleting it would stop TLS for its hostnames.`;
  } else if (who.kind === "SecureEdgeHostname") {
    first = `${live}, so its edge hostname ${who.name} refuses to be deleted: the site names CNAMEd to it would stop resolving to the certificate.`;
    where = "on the Certificate component (it passes the setting to its parts) or, with the parts, on the Enrollment, its Deployment and this SecureEdgeHostname";
  } else {
    first = `${live}, so the CNAME ${who.name} to its edge hostname refuses to be deleted: the site would stop reaching the certificate.`;
    where = "on the Certificate component (it passes the setting to its parts) or, with the parts, on the Enrollment, its Deployment, the SecureEdgeHostname and this EdgeDnsCnameRecord";
  }
  return new CodedError(
    DELETE_REFUSED,
    `${first} Move the hostnames off this certificate first, or set allowDeleteWhileDeployed: true ${where}, run \`pulumi up\`, then delete.`,
  );
}

/**
 * For what serves a certificate without owning it (an edge hostname, a CNAME to one): refuses the
 * delete while `enrollmentId`'s certificate is on production, unless `allowDeleteWhileDeployed` is
 * set. Without an enrollment (a Standard TLS edge hostname, a CNAME to anything else) there is
 * nothing to protect.
 */
export async function refuseWhileServingLiveCertificate(
  cps: { getProductionDeployment(enrollmentId: number): Promise<unknown> },
  state: { enrollmentId?: unknown; allowDeleteWhileDeployed?: unknown },
  who: Exclude<RefusingResource, "Enrollment" | "Deployment">,
): Promise<void> {
  const enrollmentId = state.enrollmentId;
  if (state.allowDeleteWhileDeployed === true || typeof enrollmentId !== "number") return;
  // The client answers undefined for 404: nothing on production, or the enrollment is gone.
  if ((await cps.getProductionDeployment(enrollmentId)) !== undefined) throw liveOnProductionRefusal(enrollmentId, who);
}
