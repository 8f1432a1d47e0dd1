import { z } from "zod";
import { looseBoolean, nullableString, ocspStapling, openString } from "./common";

// ---- lets-encrypt-challenges (dv-challenges.v2) --------------------------------------------

const validationRecord = z.looseObject({
  hostname: nullableString,
  port: z.union([z.string(), z.number()]).nullish(),
  url: nullableString,
  resolvedIp: z.array(z.string()).nullish(),
  triedIp: nullableString,
  usedIp: nullableString,
  authorities: z.array(z.string()).nullish(),
});

export const dvChallengeSchema = z.looseObject({
  type: openString,
  status: openString.nullish(),
  token: nullableString,
  responseBody: nullableString,
  fullPath: nullableString,
  redirectFullPath: nullableString,
  error: nullableString,
  validationRecords: z.array(validationRecord).nullish(),
});

export const dvDomainSchema = z.looseObject({
  domain: z.string(),
  status: openString.nullish(),
  validationStatus: openString.nullish(),
  error: nullableString,
  expires: nullableString,
  requestTimestamp: nullableString,
  validatedTimestamp: nullableString,
  challenges: z.array(dvChallengeSchema).nullish().transform((list) => list ?? []),
});

export const dvChallengesSchema = z.looseObject({
  dv: z.array(dvDomainSchema).nullish().transform((list) => list ?? []),
});
export type DvChallenges = z.output<typeof dvChallengesSchema>;
export type DvDomain = z.output<typeof dvDomainSchema>;
export type DvChallenge = z.output<typeof dvChallengeSchema>;

// ---- warnings.v1 ---------------------------------------------------------------------------

export const warningsSchema = z.looseObject({ warnings: z.string().nullish().transform((text) => text ?? "") });

// ---- third-party-csr (csr.v2) --------------------------------------------------------------

export const csrsSchema = z.looseObject({
  csrs: z.array(z.looseObject({ csr: z.string(), keyAlgorithm: openString })),
});

// ---- change-management-info (v6; v5 string booleans tolerated) ------------------------------

const validationMessage = z.looseObject({ message: z.string(), messageCode: nullableString });

const pendingCertificate = z.looseObject({
  certificateType: nullableString,
  fullCertificate: nullableString,
  keyAlgorithm: nullableString,
  ocspStapled: looseBoolean.nullish(),
  ocspUris: z.array(z.string()).nullish(),
  signatureAlgorithm: nullableString,
});

export const changeManagementInfoSchema = z.looseObject({
  acknowledgementDeadline: nullableString,
  validationResultHash: z.string(),
  validationResult: z
    .looseObject({
      errors: z.array(validationMessage).nullish(),
      warnings: z.array(validationMessage).nullish(),
    })
    .nullish(),
  pendingState: z.looseObject({
    pendingCertificates: z.array(pendingCertificate).nullish(),
    pendingNetworkConfiguration: z
      .looseObject({
        dnsNameSettings: z.looseObject({ cloneDnsNames: looseBoolean, dnsNames: z.array(z.string()).nullish() }).nullish(),
        mustHaveCiphers: nullableString,
        preferredCiphers: nullableString,
        networkType: nullableString,
        ocspStapling: ocspStapling.nullish(),
        quicEnabled: looseBoolean.nullish(),
        sniOnly: looseBoolean.nullish(),
        disallowedTlsVersions: z.array(z.string()).nullish(),
        fipsMode: looseBoolean.nullish(),
      })
      .nullish(),
  }),
});
export type ChangeManagementInfo = z.output<typeof changeManagementInfoSchema>;

// ---- request bodies (strict) ---------------------------------------------------------------

export const acknowledgementValue = z.enum(["acknowledge", "deny"]);
export type AcknowledgementValue = z.output<typeof acknowledgementValue>;

export const acknowledgementSchema = z.strictObject({ acknowledgement: acknowledgementValue });
export const acknowledgementWithHashSchema = z.strictObject({ acknowledgement: acknowledgementValue, hash: z.string().min(1) });

const pemCertificate = z.string().regex(/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/, "expected a PEM certificate");

export const certificateAndTrustChainSchema = z.strictObject({
  certificatesAndTrustChains: z
    .array(
      z.strictObject({
        keyAlgorithm: z.enum(["RSA", "ECDSA"]),
        certificate: pemCertificate,
        trustChain: pemCertificate.optional(),
      }),
    )
    .min(1)
    .max(2)
    .refine((items) => new Set(items.map((item) => item.keyAlgorithm)).size === items.length, "at most one certificate per key algorithm"),
});
