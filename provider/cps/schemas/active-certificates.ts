import { z } from "zod";
import { looseBoolean, nullableString, numericId, ocspStapling, openString } from "./common";

const activeCertificate = z.looseObject({
  serial: nullableString,
  sha256Fingerprint: nullableString,
  expiry: nullableString,
  issuer: nullableString,
  keyAlgorithm: openString.nullish(),
  signatureAlgorithm: nullableString,
});

const activeDeployment = z.looseObject({
  location: nullableString,
  networkConfiguration: z
    .looseObject({
      geography: openString.nullish(),
      secureNetwork: openString.nullish(),
      ocspStapling: ocspStapling.nullish(),
      sniOnly: looseBoolean.nullish(),
      quicEnabled: looseBoolean.nullish(),
      dnsNames: z.array(z.string()).nullish(),
    })
    .nullish(),
  primaryCertificate: activeCertificate.nullish(),
  multiStackedCertificates: z.array(activeCertificate).nullish(),
});

/** `active-certificates.v2`: no PEMs, only serial/fingerprint/issuer per certificate. */
export const activeCertificatesSchema = z.looseObject({
  enrollments: z.array(
    z.looseObject({
      id: numericId,
      location: nullableString,
      certificateType: openString.nullish(),
      enableMultiStackedCertificates: looseBoolean.nullish(),
      csr: z.looseObject({ cn: nullableString, sans: z.array(z.string()).nullish() }).nullish(),
      pendingChanges: z.array(z.unknown()).nullish(),
      assignedSlots: z.array(z.number()).nullish(),
      productionSlots: z.array(z.number()).nullish(),
      stagingSlots: z.array(z.number()).nullish(),
      production: activeDeployment.nullish(),
      staging: activeDeployment.nullish(),
    }),
  ),
});
export type ActiveCertificates = z.output<typeof activeCertificatesSchema>;
