/** The emulator's internal state: plain JSON-serializable records (persisted as-is with --state). */

export type KeyAlgorithmName = "RSA" | "ECDSA";
export type NetworkName = "staging" | "production";

export interface Contact {
  title: string | null;
  firstName: string | null;
  lastName: string | null;
  organizationName: string | null;
  email: string | null;
  phone: string | null;
  addressLineOne: string | null;
  addressLineTwo: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface Org {
  name: string | null;
  addressLineOne: string | null;
  addressLineTwo: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  phone: string | null;
}

export interface NetworkConfiguration {
  geography: "core" | "china+core" | "russia+core";
  secureNetwork: "standard-tls" | "enhanced-tls";
  sniOnly: boolean;
  quicEnabled: boolean;
  mustHaveCiphers: string;
  preferredCiphers: string;
  disallowedTlsVersions: string[];
  ocspStapling: "on" | "off" | "not-set";
  dnsNameSettings: { cloneDnsNames: boolean; dnsNames: string[] | null } | null;
  clientMutualAuthentication: {
    setId: string | null;
    authenticationOptions: { sendCaListToClient: boolean | null; ocsp: { enabled: boolean | null } | null } | null;
  } | null;
  fipsMode: boolean | null;
}

/** The user-settable part of an enrollment (the newest version's superset). */
export interface EnrollmentSpec {
  ra: "symantec" | "lets-encrypt" | "third-party";
  validationType: "dv" | "ov" | "ev" | "third-party";
  certificateType: "san" | "single" | "wildcard" | "wildcard-san" | "third-party";
  certificateChainType: "default" | "symantec1kroot" | null;
  changeManagement: boolean;
  enableMultiStackedCertificates: boolean;
  signatureAlgorithm: "SHA-1" | "SHA-256" | null;
  orgId: number | null;
  csr: {
    cn: string;
    sans: string[];
    c: string | null;
    st: string | null;
    l: string | null;
    o: string | null;
    ou: string | null;
    preferredTrustChain: string | null;
  };
  networkConfiguration: NetworkConfiguration;
  org: Org | null;
  adminContact: Contact | null;
  techContact: Contact | null;
  thirdParty: { excludeSans: boolean } | null;
}

export interface CertificateRecord {
  keyAlgorithm: KeyAlgorithmName;
  certificatePem: string;
  trustChainPem: string;
  notBefore: string;
  notAfter: string;
  serialHex: string;
  signatureAlgorithm: "SHA-1" | "SHA-256" | null;
}

export interface DeploymentRecord {
  changeId: number;
  deployedAt: string;
  certificates: CertificateRecord[];
  networkConfiguration: NetworkConfiguration;
  certificateType: EnrollmentSpec["certificateType"];
  /** Hostnames served on the network (CN + SANs, or SNI dnsNames). */
  dnsNames: string[];
  slots: number[];
}

export interface CertificateHistoryEntry {
  changeId: number;
  certificateType: EnrollmentSpec["certificateType"];
  ra: string;
  geography: string;
  slots: number[];
  certificates: CertificateRecord[];
}

export interface ChallengeRecord {
  type: "http-01" | "dns-01";
  status: string;
  token: string;
  responseBody: string;
  fullPath: string;
  redirectFullPath: string;
  error: string | null;
}

export interface DvDomainRecord {
  domain: string;
  /** CPS/LE domain status: Awaiting user, Pending, Valid, Invalid, Error */
  status: string;
  validationStatus: string;
  error: string | null;
  expires: string;
  requestTimestamp: string;
  validatedTimestamp: string | null;
  challenges: ChallengeRecord[];
}

export interface KeyRecord {
  keyAlgorithm: KeyAlgorithmName;
  csrPem: string;
  privateKeyPem: string;
}

export type ChangeAction = "new-certificate" | "renew" | "modify-san" | "modify-certificate" | "update-network-configuration";
export type ChangeState = "new" | "running" | "awaiting-input" | "suspended" | "cancelled" | "completed" | "error";

/** One warning as CPS words it, with the ID of its template. */
export interface WarningRecord {
  code: string;
  message: string;
}

export interface ChangeRecord {
  id: number;
  enrollmentId: number;
  action: ChangeAction;
  pendingChangeType: "new-certificate" | "modify-certificate" | "modify-san" | "renewal";
  /** Snapshot of what this change deploys. */
  target: EnrollmentSpec;
  needsCertificate: boolean;
  createdOn: string;
  lastUpdated: string;
  status: string;
  state: ChangeState;
  description: string;
  error: { code: string; description: string; timestamp: string } | null;
  deploymentSchedule: { notBefore: string | null; notAfter: string | null };
  /** Emulator time at which the current running step finishes. */
  stepDueAt: string | null;
  /** Next automatic DV recheck (emulator time). */
  nextDvCheckAt: string | null;
  keys: KeyRecord[];
  dv: DvDomainRecord[];
  certificates: CertificateRecord[];
  /** Akamai's warning templates filled with this change's values (emulator/pki/warning-catalogue.ts). */
  preVerificationWarnings: WarningRecord[];
  postVerificationWarnings: WarningRecord[];
  changeManagementDeadline: string | null;
  validationResultHash: string | null;
  orderId: string | null;
  outcome: "incomplete" | "cancelled" | "completed";
}

export interface EnrollmentRecord {
  id: number;
  contractId: string;
  spec: EnrollmentSpec;
  createdAt: string;
  pendingChangeId: number | null;
  changeIds: number[];
  assignedSlots: number[];
  stagingSlots: number[];
  productionSlots: number[];
  staging: DeploymentRecord | null;
  production: DeploymentRecord | null;
  certificateHistory: CertificateHistoryEntry[];
  /** domain -> validations, newest last */
  dvHistory: Record<string, DvDomainRecord[]>;
  autoRenewalStartTime: string | null;
  /** Set while a DELETE waits for the certificate to leave the networks (emulator time). */
  deleteDueAt: string | null;
}

export interface EmulatorState {
  version: 1;
  nextEnrollmentId: number;
  nextChangeId: number;
  nextSlot: number;
  enrollments: Record<string, EnrollmentRecord>;
  changes: Record<string, ChangeRecord>;
  /** Last enrollment creation time per contract (create throttle), emulator time. */
  lastCreateByContract: Record<string, string>;
}

export function emptyState(): EmulatorState {
  return { version: 1, nextEnrollmentId: 10001, nextChangeId: 20001, nextSlot: 30001, enrollments: {}, changes: {}, lastCreateByContract: {} };
}
