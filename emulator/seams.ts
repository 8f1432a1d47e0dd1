/**
 * The seams between the emulator's CPS state machine (emulator/cps, served by emulator/http) and the parts
 * that touch the real world: keys and CSRs, domain validation over DNS/HTTP, certificate issuance
 * (builtin CA or an ACME CA such as pebble), DNS zones, and the TLS listeners that stand for the
 * staging and production networks. The state machine depends only on these interfaces, so tests
 * can swap a piece and part 1 (state machine) and part 2 (real network) stay independent.
 */

export type KeyAlgorithm = "RSA" | "ECDSA";
export type EdgeNetworkName = "staging" | "production";

/** The emulator's controllable clock. Everything time-based (expiry, renewals, schedules, token expiry) reads it. */
export interface EmulatorClock {
  /** Current emulator time. */
  now(): Date;
  /** Move emulator time forward (admin API). */
  advance(ms: number): void;
  /** Emulator milliseconds per real millisecond (1 = real time). */
  readonly timeScale: number;
}

/** What CPS puts into a CSR it generates for an enrollment. */
export interface CsrRequest {
  commonName: string;
  /** All names for the SAN extension (CN included). Empty when third-party `excludeSans` is set. */
  sans: string[];
  subject: { c?: string | null; st?: string | null; l?: string | null; o?: string | null; ou?: string | null };
  keyAlgorithm: KeyAlgorithm;
  /** `SHA-256` (default) or `SHA-1`. */
  signatureAlgorithm?: string | null;
}

export interface GeneratedKeyAndCsr {
  keyAlgorithm: KeyAlgorithm;
  privateKeyPem: string;
  csrPem: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex. */
  publicKeyFingerprint: string;
}

/** CPS generates the private keys and CSRs (RSA 2048, ECDSA P-256). */
export interface KeyFactory {
  generate(request: CsrRequest): Promise<GeneratedKeyAndCsr>;
}

export interface IssuedCertificate {
  /** Leaf certificate, PEM. */
  certificatePem: string;
  /** Intermediates, PEM, concatenated (leaf excluded, root excluded). */
  trustChainPem: string;
  notBefore: Date;
  notAfter: Date;
  serialHex: string;
}

/** Result of checking one domain's challenge. `error` is text a user can act on. */
export type DomainCheckResult =
  | { ok: true; challengeType: "dns-01" | "http-01" }
  | {
      ok: false;
      /** e.g. RESPONSE_ERROR, DATA_NOT_READY, TOKEN_EXPIRED, INVALIDATED */
      validationStatus: string;
      error: string;
    };

/** The values CPS exposes for one domain in `dv-challenges.v2`. */
export interface DomainChallenge {
  domain: string;
  /** ACME token (http-01). */
  token: string;
  /** Body expected at http://<domain>/.well-known/acme-challenge/<token> */
  httpResponseBody: string;
  /** TXT value expected at _acme-challenge.<domain>. */
  dnsTxtValue: string;
  /** When the challenge token expires (emulator time). */
  expires: Date;
}

/** One DV order for a set of domains, on either CA backend. */
export interface DvOrder {
  readonly challenges: DomainChallenge[];
  /**
   * Check one domain now. Builtin: real DNS TXT / HTTP lookups through the configured DNS server.
   * ACME: ask the ACME CA to validate (it does its own lookups) and report its verdict.
   * Either challenge type satisfying the domain is enough.
   */
  validate(domain: string): Promise<DomainCheckResult>;
  /** Once every domain validated: get the certificate for the CSR. */
  finalize(csrPem: string): Promise<IssuedCertificate>;
}

/** A certificate authority backend: `builtin` (in-process root + intermediate) or `acme` (e.g. pebble). */
export interface CertificateAuthority {
  readonly kind: "builtin" | "acme";
  /** Open a DV order: returns the real challenge values for each domain. */
  createDvOrder(domains: string[]): Promise<DvOrder>;
  /**
   * OV/EV: issue directly for a CSR (validation happens out of band). `validity: "dv"` is used when an
   * operator forced a DV verdict through the admin API: the certificate then gets the DV lifetime.
   */
  issue(csrPem: string, options?: { validity?: "dv" | "ov"; organization?: { o?: string | null; l?: string | null; st?: string | null; c?: string | null } }): Promise<IssuedCertificate>;
  /** PEM root certificates that issued certificates chain to (for `edgeRoots`). */
  rootsPem(): string;
  close(): Promise<void>;
}

/** Network checks the builtin CA uses for dns-01 and http-01. */
export interface DomainValidator {
  checkDns01(domain: string, expectedTxt: string): Promise<DomainCheckResult>;
  checkHttp01(domain: string, token: string, expectedBody: string): Promise<DomainCheckResult>;
}

export interface DnsRecordSet {
  /** Fully qualified, no trailing dot, lower case. */
  name: string;
  /** A, AAAA, TXT, CNAME, NS, SOA, ... */
  type: string;
  ttl: number;
  /** Presentation-format rdata, as the Edge DNS API uses (TXT values quoted). */
  rdata: string[];
}

/** The zones served by the emulator's authoritative DNS server (and managed through the Edge DNS API shape). */
export interface DnsZoneStore {
  createZone(zone: string): void;
  hasZone(zone: string): boolean;
  listZones(): string[];
  /** The zone that contains a name (longest suffix match), if any. */
  zoneFor(name: string): string | undefined;
  get(name: string, type: string): DnsRecordSet | undefined;
  list(zone: string): DnsRecordSet[];
  upsert(record: DnsRecordSet): void;
  delete(name: string, type: string): boolean;
}

/** Key material deployed to one network for one enrollment. */
export interface DeployedCertificate {
  keyAlgorithm: KeyAlgorithm;
  certificatePem: string;
  trustChainPem: string;
  privateKeyPem: string;
}

/** The TLS listener standing for one edge network; serves by SNI what is deployed there. */
export interface EdgeNetwork {
  readonly name: EdgeNetworkName;
  /** `127.0.0.1:PORT` */
  readonly address: string;
  /** Replace what this enrollment serves on this network. */
  deploy(enrollmentId: number, hostnames: string[], certificates: DeployedCertificate[]): void;
  undeploy(enrollmentId: number): void;
  close(): Promise<void>;
}
