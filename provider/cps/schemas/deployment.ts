import { z } from "zod";
import { looseBoolean, nullableString, ocspStapling, openString } from "./common";

/** A deployed certificate (deployment v7/v8). */
export const deployedCertificateSchema = z.looseObject({
  certificate: nullableString,
  trustChain: nullableString,
  expiry: nullableString,
  keyAlgorithm: openString.nullish(),
  signatureAlgorithm: nullableString,
});

/**
 * `deployment.v8` (v7 tolerated: `ocspStapling` True/False mapped to on/off). Also what
 * `change-management-info` answers when asked for `deployment.v8`.
 */
export const deploymentSchema = z.looseObject({
  ocspStapled: looseBoolean.nullish(),
  ocspUris: z.array(z.string()).nullish(),
  networkConfiguration: z.looseObject({
    geography: openString.nullish(),
    secureNetwork: openString.nullish(),
    mustHaveCiphers: nullableString,
    preferredCiphers: nullableString,
    disallowedTlsVersions: z.array(z.string()).nullish(),
    dnsNames: z.array(z.string()).nullish(),
    ocspStapling: ocspStapling.nullish(),
    fipsMode: looseBoolean.nullish(),
    quicEnabled: looseBoolean.nullish(),
    sniOnly: looseBoolean.nullish(),
  }),
  primaryCertificate: deployedCertificateSchema.nullish(),
  multiStackedCertificates: z.array(deployedCertificateSchema).nullish().transform((list) => list ?? []),
});
export type Deployment = z.output<typeof deploymentSchema>;

/** `deployments.v8`: either network may be absent/null while nothing is deployed there. */
export const deploymentsSchema = z.looseObject({
  production: deploymentSchema.nullish().transform((value) => value ?? null),
  staging: deploymentSchema.nullish().transform((value) => value ?? null),
});
export type Deployments = z.output<typeof deploymentsSchema>;
