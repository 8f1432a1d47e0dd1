/**
 * Reading CPS change statuses. Akamai warns that status strings are open-ended, so logic is driven by
 * `allowedInput[].type` first and by a few well-known status names second; anything unknown is
 * treated as "CPS is working on it".
 */
import { AllowedInputType } from "../cps";

/** The parts of a change.v2 body this module reads. */
export interface ChangeView {
  statusInfo: {
    status: string;
    state: string;
    description?: string | null;
    error?: { code?: string | null; description?: string | null; timestamp?: string | null } | null;
    deploymentSchedule?: { notBefore?: string | null; notAfter?: string | null } | null;
  };
  allowedInput: ReadonlyArray<AllowedInputView>;
}

export interface AllowedInputView {
  type: string;
  requiredToProceed: boolean;
  info: string;
  update: string;
}

/** The allowed-input types, one table shared with the client that follows their links (cps/allowed-inputs.ts). */
export const INPUT = AllowedInputType;

/** The allowed input of a type, typed as the change's own entries (so client calls accept it). */
export function findInput<C extends ChangeView>(change: C, type: string): C["allowedInput"][number] | undefined {
  return change.allowedInput.find((i) => i.type === type);
}

/** Both the documented spelling and the one the live API sends (CPSREQUEST-815). */
export function isDvCoordination(status: string): boolean {
  return status === "coordinate-domain-validation" || status === "coodinate-domain-validation";
}

export function isComplete(change: ChangeView): boolean {
  return change.statusInfo.status === "complete" || change.statusInfo.state === "completed";
}

export function isCancelled(change: ChangeView): boolean {
  return change.statusInfo.state === "cancelled" || change.statusInfo.status === "cancelled";
}

/** The change failed: `state: "error"`, or an error CPS reports on it (cps/changes.ts `changeFailure` builds its error by the same rule). */
export function isFailed(change: ChangeView): boolean {
  return change.statusInfo.state === "error" || !!change.statusInfo.error;
}

/**
 * Statuses Akamai's sources place after the certificate was issued (DV/OV/EV) or uploaded
 * (third-party), each with where it is documented:
 * - `wait-review-cert-warning`, `wait-review-third-party-cert`, `wait-ack-change-management`:
 *   terraform-provider-akamai pkg/providers/cps/enrollments.go (post-verification and change-management
 *   waits) and akamai/cli-cps bin/cps.py;
 * - `deploy-cert-to-staging`, `deploy-cert-to-production` ("deploying the certificate to …"):
 *   https://techdocs.akamai.com/cps/reference/status-values-and-descriptions;
 * - `complete`: the same page.
 * Statuses whose documented meaning does not say a certificate exists (`create-slot-files`,
 * `live-check-action`: "assembling/validating deployment information", also seen on deployment-only
 * changes) are not signals, nor is any status no Akamai source lists.
 */
const AFTER_ISSUANCE = new Set(["wait-review-cert-warning", "wait-review-third-party-cert", "wait-ack-change-management", "deploy-cert-to-staging", "deploy-cert-to-production", "complete"]);

/**
 * Inputs CPS only offers once there is a certificate to review (post-verification warnings) or to
 * deploy (change management): https://techdocs.akamai.com/cps/reference/change-input-content-type-mapping.
 */
const ISSUED_INPUTS = new Set<string>([INPUT.postVerificationWarnings, INPUT.changeManagement]);

/** True once the change is past issuance, by a documented status or a documented allowed input. */
export function isPastIssuance(change: ChangeView): boolean {
  return AFTER_ISSUANCE.has(change.statusInfo.status) || change.allowedInput.some((input) => ISSUED_INPUTS.has(input.type)) || isComplete(change);
}

/**
 * Statuses where the change's certificate is already on the staging network: it waits for the
 * change-management acknowledgement or is on its way to (or on) production
 * (https://techdocs.akamai.com/cps/reference/status-values-and-descriptions).
 */
export const ON_STAGING: ReadonlySet<string> = new Set(["wait-ack-change-management", "deploy-cert-to-production", "deploy-changes-to-production", "complete"]);

export function isOnStaging(change: ChangeView): boolean {
  return ON_STAGING.has(change.statusInfo.status);
}

/** Statuses at which CPS has taken a third-party upload and is still before staging. */
export const VERIFYING_THIRD_PARTY: ReadonlySet<string> = new Set(["wait-upload-third-party", "verify-third-party-cert", "wait-review-third-party-cert"]);

export function isVerifyingThirdParty(change: ChangeView): boolean {
  return VERIFYING_THIRD_PARTY.has(change.statusInfo.status);
}

/** True while CPS waits for an input it cannot proceed without. */
export function needsInput(change: ChangeView): boolean {
  return change.allowedInput.some((i) => i.requiredToProceed);
}

/** "status (state)" for progress lines and errors. */
export function describeChange(change: ChangeView): string {
  const s = change.statusInfo;
  return `${s.status} (${s.state})`;
}
