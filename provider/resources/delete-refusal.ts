/**
 * Refusing to delete a certificate that is live on production. The engine deletes dependents first
 * (Deployment, then DvValidation, then the DNS records, then the Enrollment), so a refusal that only
 * the Enrollment makes comes after the records are gone. The Deployment therefore makes the same
 * check, with the same opt-in, before anything else is deleted.
 */
import { CodedError } from "./coded-error";

/** Formerly CPS_DELETE_REFUSED_LIVE_ON_PRODUCTION. */
export const DELETE_REFUSED = "DeleteRefusedWhileDeployed";

export function liveOnProductionRefusal(enrollmentId: number, who: "Enrollment" | "Deployment"): CodedError {
  const first =
    who === "Deployment"
      ? `Enrollment ${enrollmentId} has a certificate live on the production network, so its Deployment refuses to be deleted before anything else is: deleting the enrollment would stop TLS for its hostnames.`
      : `Enrollment ${enrollmentId} has a certificate live on the production network; deleting it would stop TLS for its hostnames.`;
  return new CodedError(
    DELETE_REFUSED,
    `${first} Move the hostnames off this certificate first, or set allowDeleteWhileDeployed: true on the Enrollment and on its Deployment, run \`pulumi up\`, then delete.`,
  );
}
