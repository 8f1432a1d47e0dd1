/** Shared public types of the SDK. */
import type * as pulumi from "@pulumi/pulumi";

export type { DnsChallenge, HttpChallenge, DomainValidationState as DomainValidationStatus } from "../provider/lifecycle/challenges";
export type { DeployedCertificateInfo as DeployedCertificate, EnrollmentNow as DeploymentEnrollment } from "../provider/resources/deployment";
export type { TlsVerifyResult as TlsVerification } from "../provider/lifecycle/tls-verify";

/**
 * How warnings CPS raises are treated: `"acknowledge-all"`, `"fail"` (the default: stop and show
 * them), or a list of warning IDs that may be acknowledged, e.g.
 * `["OVERLAPPING_TRAFFIC_CLASS"]`. Unknown warning texts get an `UNKNOWN_xxxxxxxx` ID shown in the
 * error, which can be listed too.
 */
export type WarningPolicy = "acknowledge-all" | "fail" | string[];

/** A resource's outputs (declared once by its provider) as the Pulumi outputs of its SDK class. */
export type OutputProperties<T> = { readonly [K in keyof T]: pulumi.Output<T[K]> };

/** A duration: `"30m"`, `"1h30m"`, `"90s"`, or a number of seconds. */
export type Duration = string | number;

/** A contact person as CPS records it. */
export interface Contact {
  /** Given name. */
  firstName: string;
  /** Family name. */
  lastName: string;
  /** Email address CPS and the CA write to. */
  email: string;
  /** Phone number, e.g. `+1 617 555 0100`. */
  phone: string;
  /** Job title. */
  title?: string;
  /** The contact's organization. */
  organizationName?: string;
  /** First address line. */
  addressLineOne?: string;
  /** Second address line. */
  addressLineTwo?: string;
  /** City. */
  city?: string;
  /** State, province or region. */
  region?: string;
  /** Postal code. */
  postalCode?: string;
  /** ISO 3166-1 alpha-2 code, e.g. `US`. */
  country?: string;
}

/** The organization the certificate is issued to. */
export interface Organization {
  /** Legal name of the organization. */
  name: string;
  /** First address line. */
  addressLineOne?: string;
  /** Second address line. */
  addressLineTwo?: string;
  /** City. */
  city?: string;
  /** State, province or region. */
  region?: string;
  /** Postal code. */
  postalCode?: string;
  /** ISO 3166-1 alpha-2 code. */
  country?: string;
  /** Phone number. */
  phone?: string;
}

/** Subject fields of the CSR CPS generates. */
export interface CsrSubject {
  /** Country (ISO 3166-1 alpha-2). */
  c?: string;
  /** State or province. */
  st?: string;
  /** Locality (city). */
  l?: string;
  /** Organization. */
  o?: string;
  /** Organizational unit. */
  ou?: string;
  /** DV only: a Let's Encrypt trust chain name, e.g. `isrg-root-x1`. */
  preferredTrustChain?: string;
}

/** A maintenance window for deployment (ISO 8601 dates or date-times). */
export interface DeploymentSchedule {
  /** Deploy no earlier than this. */
  notBefore?: string;
  /** Deploy no later than this. */
  notAfter?: string;
}





