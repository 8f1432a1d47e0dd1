import * as pulumi from "@pulumi/pulumi";
import type { Deployment as CpsDeployment, Enrollment as CpsEnrollment } from "../provider/cps";
import type { PendingChangeResult, SettingsSource } from "../provider/resources/data-functions";

export type { PendingChangeResult };

/**
 * One enrollment as CPS returns it (`enrollment.v12`: `id`, `csr`, `networkConfiguration`,
 * `pendingChanges`, contacts, ...); the fields are Akamai's, see
 * https://techdocs.akamai.com/cps/reference/get-enrollment.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named, documented type for CPS's shape
export interface EnrollmentInfo extends CpsEnrollment {}

/**
 * What is deployed on one network as CPS returns it (`deployment.v8`: `primaryCertificate`,
 * `multiStackedCertificates`, `networkConfiguration`, ...); the fields are Akamai's, see
 * https://techdocs.akamai.com/cps/reference/get-deployments.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named, documented type for CPS's shape
export interface NetworkDeployment extends CpsDeployment {}

/** @deprecated use {@link NetworkDeployment} (the Deployment resource's outputs are `DeployedCertificate`); kept for one release. */
export type DeployedCertificateInfo = NetworkDeployment;

/** What {@link getDeployments} returns: the certificates on each network. */
export interface DeploymentsResult {
  /** What is on production (null when nothing is deployed there). */
  production: NetworkDeployment | null;
  /** What is on staging (null when nothing is deployed there). */
  staging: NetworkDeployment | null;
}
export type { ClassifiedWarning } from "../provider/lifecycle/warnings";

type Impl = typeof import("../provider/resources/data-functions");

/**
 * The implementation runs in the program's own process with the stack's `pulumi-akamai-cps:*`
 * settings; it is loaded on first call so that importing the SDK stays cheap.
 */
function impl(): Impl {
  return require("../provider/resources/data-functions") as Impl;
}

function settings(): SettingsSource {
  const config = new pulumi.Config("pulumi-akamai-cps");
  return { get: (key) => config.get(key) };
}

/** Arguments of {@link getEnrollment}, {@link getDeployments} and {@link getPendingChange}. */
export interface EnrollmentLookupArgs {
  /** The CPS enrollment id. */
  enrollmentId: number;
}

/** Arguments of the `…Output` variants: the enrollment id may be an Output (e.g. `cert.enrollmentId`). */
export interface EnrollmentLookupOutputArgs {
  /** The CPS enrollment id, e.g. `cert.enrollmentId`. */
  enrollmentId: pulumi.Input<number>;
}

/** Arguments of {@link getEnrollments}. */
export interface EnrollmentsLookupArgs {
  /** The CPS contract id, e.g. `K-0N7RAK71`. */
  contractId: string;
}

/**
 * One enrollment as CPS returns it (`enrollment.v12`).
 *
 * ## Example usage
 * ```ts
 * const e = await cps.getEnrollment({ enrollmentId: 10001 });
 * export const sans = e.csr.sans;
 * ```
 */
export function getEnrollment(args: EnrollmentLookupArgs): Promise<EnrollmentInfo> {
  return impl().getEnrollment(settings(), args);
}
/** {@link getEnrollment} as an Output, for inputs that are Outputs. */
export function getEnrollmentOutput(args: EnrollmentLookupOutputArgs): pulumi.Output<EnrollmentInfo> {
  return pulumi.output(args.enrollmentId).apply((enrollmentId) => getEnrollment({ enrollmentId }));
}

/**
 * Every enrollment of a contract (one request).
 *
 * ## Example usage
 * ```ts
 * export const names = cps.getEnrollmentsOutput({ contractId: "K-0N7RAK71" }).apply(l => l.map(e => e.csr.cn));
 * ```
 */
export function getEnrollments(args: EnrollmentsLookupArgs): Promise<EnrollmentInfo[]> {
  return impl().getEnrollments(settings(), args);
}
/** {@link getEnrollments} as an Output. */
export function getEnrollmentsOutput(args: { contractId: pulumi.Input<string> }): pulumi.Output<EnrollmentInfo[]> {
  return pulumi.output(args.contractId).apply((contractId) => getEnrollments({ contractId }));
}

/**
 * The certificates on production and staging (null where none is deployed).
 *
 * ## Example usage
 * ```ts
 * export const serial = cps.getDeploymentsOutput({ enrollmentId: cert.enrollmentId }).apply(d => d.production?.primaryCertificate.serialNumber);
 * ```
 */
export function getDeployments(args: EnrollmentLookupArgs): Promise<DeploymentsResult> {
  return impl().getDeployments(settings(), args);
}
/** {@link getDeployments} as an Output. */
export function getDeploymentsOutput(args: EnrollmentLookupOutputArgs): pulumi.Output<DeploymentsResult> {
  return pulumi.output(args.enrollmentId).apply((enrollmentId) => getDeployments({ enrollmentId }));
}

/**
 * The pending change (status, the inputs CPS waits for, and the warnings it offers with their
 * stable IDs, ready for a warnings allow-list), or `changeId: null` when nothing is pending.
 *
 * ## Example usage
 * ```ts
 * export const waitingFor = cps.getPendingChangeOutput({ enrollmentId: cert.enrollmentId }).apply(c => c.allowedInputs);
 * ```
 */
export function getPendingChange(args: EnrollmentLookupArgs): Promise<PendingChangeResult> {
  return impl().getPendingChange(settings(), args);
}
/** {@link getPendingChange} as an Output. */
export function getPendingChangeOutput(args: EnrollmentLookupOutputArgs): pulumi.Output<PendingChangeResult> {
  return pulumi.output(args.enrollmentId).apply((enrollmentId) => getPendingChange({ enrollmentId }));
}
