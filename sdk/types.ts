/** Shared public types of the SDK. */

/**
 * How warnings CPS raises are treated: `"acknowledge-all"`, `"fail"` (the default: stop and show
 * them), or a list of warning IDs that may be acknowledged, e.g.
 * `["OVERLAPPING_TRAFFIC_CLASS"]`. Unknown warning texts get an `UNKNOWN_xxxxxxxx` ID shown in the
 * error, which can be listed too.
 */
export type WarningPolicy = "acknowledge-all" | "fail" | string[];

/** A duration: `"30m"`, `"1h30m"`, `"90s"`, or a number of seconds. */
export type Duration = string | number;

/** A contact person as CPS records it. */
export interface Contact {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  title?: string;
  organizationName?: string;
  addressLineOne?: string;
  addressLineTwo?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 code, e.g. `US`. */
  country?: string;
}

/** The organization the certificate is issued to. */
export interface Organization {
  name: string;
  addressLineOne?: string;
  addressLineTwo?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2 code. */
  country?: string;
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
  notBefore?: string;
  notAfter?: string;
}

/** One DNS-01 challenge: publish a TXT record `recordName` with `value`. */
export interface DnsChallenge {
  /** `_acme-challenge.<domain>` (no trailing dot). */
  recordName: string;
  recordType: "TXT";
  value: string;
  /** Suggested TTL in seconds. */
  ttl: number;
  /** When CPS stops accepting this value. */
  expires?: string;
}

/** One HTTP-01 challenge: serve `body` at `url`, or redirect `url` to `redirectUrl`. */
export interface HttpChallenge {
  url: string;
  body: string;
  redirectUrl?: string;
  token: string;
  expires?: string;
}

/** CPS's view of one domain's validation. */
export interface DomainValidationStatus {
  status: string;
  validationStatus: string;
  error?: string;
}

/** A certificate deployed on a network. */
export interface DeployedCertificate {
  certificatePem: string;
  trustChainPem: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
  issuer: string;
  keyAlgorithms: string[];
  certificates: Array<{ keyAlgorithm: string; serialNumber: string; notAfter: string }>;
}

/** Result of the optional TLS check against the edge. */
export interface TlsVerification {
  ok: boolean;
  summary: string;
  serialNumber?: string;
  notAfter?: string;
  subjectAltNames?: string[];
  fingerprint256?: string;
  protocol?: string;
}
