import { z } from "zod";
import { nullableString, openString } from "./common";
import { dvChallengeSchema } from "./allowed-input";

// ---- dv-history.v1 (schema says `results`, the official example says `data`) ---------------

const dvHistoryEntry = z.looseObject({
  domain: nullableString,
  status: openString.nullish(),
  validationStatus: openString.nullish(),
  error: nullableString,
  expires: nullableString,
  fullPath: nullableString,
  redirectFullPath: nullableString,
  requestTimestamp: nullableString,
  responseBody: nullableString,
  token: nullableString,
  validatedTimestamp: nullableString,
  challenges: z.array(dvChallengeSchema).nullish(),
  validationRecords: z.array(z.unknown()).nullish(),
});

const dvHistoryDomain = z.looseObject({ domain: z.string(), domainHistory: z.array(dvHistoryEntry).nullish().transform((l) => l ?? []) });

export const dvHistorySchema = z
  .looseObject({ results: z.array(dvHistoryDomain).nullish(), data: z.array(dvHistoryDomain).nullish() })
  .transform((body) => ({ results: body.results ?? body.data ?? [] }));
export type DvHistory = z.output<typeof dvHistorySchema>;

// ---- certificate-history.v2 ----------------------------------------------------------------

const historyCertificate = z.looseObject({
  certificate: nullableString,
  trustChain: nullableString,
  expiry: nullableString,
  keyAlgorithm: openString.nullish(),
  csr: nullableString,
});

export const certificateHistorySchema = z.looseObject({
  certificates: z.array(
    z.looseObject({
      type: openString.nullish(),
      deploymentStatus: openString.nullish(),
      stagingStatus: openString.nullish(),
      geography: openString.nullish(),
      ra: openString.nullish(),
      slots: z.array(z.number()).nullish(),
      primaryCertificate: historyCertificate.nullish(),
      multiStackedCertificates: z.array(historyCertificate).nullish(),
    }),
  ),
});
export type CertificateHistory = z.output<typeof certificateHistorySchema>;

// ---- change-history.v5 ---------------------------------------------------------------------

export const changeHistorySchema = z.looseObject({
  changes: z.array(
    z.looseObject({
      action: openString,
      actionDescription: nullableString,
      businessCaseId: nullableString,
      createdBy: nullableString,
      createdOn: nullableString,
      lastUpdated: nullableString,
      ra: openString.nullish(),
      status: openString,
      primaryCertificate: historyCertificate.nullish(),
      primaryCertificateOrderDetails: z.looseObject({ orderId: nullableString }).nullish(),
      multiStackedCertificates: z.array(historyCertificate).nullish(),
    }),
  ),
});
export type ChangeHistory = z.output<typeof changeHistorySchema>;
