import { z } from "zod";
import { looseBoolean, nullableString, ocspStapling, openString } from "./common";

/** A deployed certificate (deployment v7/v8). */
export const deployedCertificateSchema = z.looseObject({
  /** The leaf certificate (PEM). */
  certificate: nullableString,
  /** Its intermediates (PEM). */
  trustChain: nullableString,
  /** End of validity (ISO 8601). */
  expiry: nullableString,
  /** `RSA` or `ECDSA`. */
  keyAlgorithm: openString.nullish(),
  /** Signature algorithm, e.g. `SHA-256`. */
  signatureAlgorithm: nullableString,
});

/**
 * `deployment.v8` (v7 tolerated: `ocspStapling` True/False mapped to on/off). Also what
 * `change-management-info` answers when asked for `deployment.v8`.
 */
export const deploymentSchema = z.looseObject({
  /** Whether OCSP responses are stapled. */
  ocspStapled: looseBoolean.nullish(),
  /** The certificate's OCSP responder URLs. */
  ocspUris: z.array(z.string()).nullish(),
  /** How the edge serves the certificate. */
  networkConfiguration: z.looseObject({
    /** `core`, `china+core` or `russia+core`. */
    geography: openString.nullish(),
    /** `standard-tls`, `enhanced-tls` or `shared-cert`. */
    secureNetwork: openString.nullish(),
    /** The cipher profile clients must support. */
    mustHaveCiphers: nullableString,
    /** The preferred cipher profile. */
    preferredCiphers: nullableString,
    /** TLS versions turned off. */
    disallowedTlsVersions: z.array(z.string()).nullish(),
    /** The names the edge serves the certificate for (SNI). */
    dnsNames: z.array(z.string()).nullish(),
    /** OCSP stapling: `on`, `off` or `not-set`. */
    ocspStapling: ocspStapling.nullish(),
    /** Whether FIPS mode is on. */
    fipsMode: looseBoolean.nullish(),
    /** Whether QUIC is on. */
    quicEnabled: looseBoolean.nullish(),
    /** Whether the certificate is served to SNI clients only. */
    sniOnly: looseBoolean.nullish(),
  }),
  /** The primary (RSA, or the only) certificate. */
  primaryCertificate: deployedCertificateSchema.nullish(),
  /** The other certificates (ECDSA when dual-stacked). */
  multiStackedCertificates: z.array(deployedCertificateSchema).nullish().transform((list) => list ?? []),
});
export type Deployment = z.output<typeof deploymentSchema>;

/** `deployments.v8`: either network may be absent/null while nothing is deployed there. */
export const deploymentsSchema = z.looseObject({
  production: deploymentSchema.nullish().transform((value) => value ?? null),
  staging: deploymentSchema.nullish().transform((value) => value ?? null),
});
export type Deployments = z.output<typeof deploymentsSchema>;
