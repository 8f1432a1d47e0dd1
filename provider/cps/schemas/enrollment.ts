import { z } from "zod";
import { parseTrailingId } from "../ids";
import { looseBoolean, nullableString, numericId, ocspStapling, openString } from "./common";

// ---------------------------------------------------------------------------------------------
// Response: enrollment as returned by GET (v11 or v12), tolerant.
// ---------------------------------------------------------------------------------------------

const contactResponse = z.looseObject({
  firstName: nullableString,
  lastName: nullableString,
  title: nullableString,
  organizationName: nullableString,
  email: nullableString,
  phone: nullableString,
  addressLineOne: nullableString,
  addressLineTwo: nullableString,
  city: nullableString,
  region: nullableString,
  postalCode: nullableString,
  country: nullableString,
});

const orgResponse = z.looseObject({
  name: nullableString,
  addressLineOne: nullableString,
  addressLineTwo: nullableString,
  city: nullableString,
  region: nullableString,
  postalCode: nullableString,
  country: nullableString,
  phone: nullableString,
});

const csrResponse = z.looseObject({
  cn: z.string(),
  sans: z.array(z.string()).nullish(),
  c: nullableString,
  st: nullableString,
  l: nullableString,
  o: nullableString,
  ou: nullableString,
  preferredTrustChain: nullableString,
});

const dnsNameSettings = z.looseObject({ cloneDnsNames: looseBoolean, dnsNames: z.array(z.string()).nullish() });

const clientMutualAuthentication = z.looseObject({
  setId: z.string().nullish(),
  authenticationOptions: z
    .looseObject({
      sendCaListToClient: looseBoolean.nullish(),
      ocsp: z.looseObject({ enabled: looseBoolean.nullish() }).nullish(),
    })
    .nullish(),
});

const networkConfigurationResponse = z.looseObject({
  geography: openString,
  secureNetwork: openString.nullish(),
  sniOnly: looseBoolean,
  quicEnabled: looseBoolean.nullish(),
  mustHaveCiphers: nullableString,
  preferredCiphers: nullableString,
  disallowedTlsVersions: z.array(z.string()).nullish(),
  ocspStapling: ocspStapling.nullish(),
  dnsNameSettings: dnsNameSettings.nullish(),
  clientMutualAuthentication: clientMutualAuthentication.nullish(),
  fipsMode: looseBoolean.nullish(),
});

/** `pendingChanges[]`: path strings up to v9, `{location, changeType}` objects from v10. */
const pendingChange = z
  .union([z.string(), z.looseObject({ location: z.string(), changeType: openString.nullish() })])
  .transform((item) => {
    const location = typeof item === "string" ? item : item.location;
    const changeType = typeof item === "string" ? null : (item.changeType ?? null);
    return { location, changeType, changeId: parseTrailingId(location) };
  });
export type PendingChange = z.output<typeof pendingChange>;

export const enrollmentSchema = z
  .looseObject({
    id: numericId.nullish(),
    location: nullableString,
    ra: openString,
    validationType: openString,
    certificateType: openString,
    certificateChainType: nullableString,
    changeManagement: looseBoolean,
    enableMultiStackedCertificates: looseBoolean.nullish(),
    signatureAlgorithm: nullableString,
    autoRenewalStartTime: nullableString,
    maxAllowedSanNames: z.number().nullish(),
    maxAllowedWildcardSanNames: z.number().nullish(),
    orgId: z.union([z.number(), z.string()]).nullish(),
    assignedSlots: z.array(z.number()).nullish(),
    productionSlots: z.array(z.number()).nullish(),
    stagingSlots: z.array(z.number()).nullish(),
    pendingChanges: z.array(pendingChange).nullish(),
    csr: csrResponse,
    networkConfiguration: networkConfigurationResponse,
    org: orgResponse.nullish(),
    adminContact: contactResponse.nullish(),
    techContact: contactResponse.nullish(),
    thirdParty: z.looseObject({ excludeSans: looseBoolean }).nullish(),
  })
  .transform((body, ctx) => {
    let id: number | undefined = body.id ?? undefined;
    if (id === undefined && typeof body.location === "string") {
      const match = /(\d+)\/?$/.exec(body.location);
      if (match !== null) id = Number(match[1]);
    }
    if (id === undefined) {
      ctx.addIssue({ code: "custom", message: "enrollment has neither id nor a location ending in an id", path: ["id"] });
      return z.NEVER;
    }
    return { ...body, id, pendingChanges: body.pendingChanges ?? [] };
  });
export type Enrollment = z.output<typeof enrollmentSchema>;

/** `enrollments.v11/v12`: `{ "enrollments": [ … ] }`. */
export const enrollmentsSchema = z.looseObject({ enrollments: z.array(enrollmentSchema) });

// ---------------------------------------------------------------------------------------------
// Request: enrollment v12 body for POST/PUT. Strict: a wrong body here is our bug, and the
// version is pinned, so v12's enums are exactly known.
// ---------------------------------------------------------------------------------------------

const text = z.string().min(1);
const nullableText = text.nullable().default(null);

export const contactRequestSchema = z.strictObject({
  firstName: nullableText,
  lastName: nullableText,
  title: nullableText,
  organizationName: nullableText,
  email: nullableText,
  phone: nullableText,
  addressLineOne: nullableText,
  addressLineTwo: nullableText,
  city: nullableText,
  region: nullableText,
  postalCode: nullableText,
  country: nullableText,
});

export const orgRequestSchema = z.strictObject({
  name: nullableText,
  addressLineOne: nullableText,
  addressLineTwo: nullableText,
  city: nullableText,
  region: nullableText,
  postalCode: nullableText,
  country: nullableText,
  phone: nullableText,
});

export const csrRequestSchema = z.strictObject({
  cn: text,
  sans: z.array(text).nullish(),
  c: text.nullish(),
  st: text.nullish(),
  l: text.nullish(),
  o: text.nullish(),
  ou: text.nullish(),
  preferredTrustChain: z.string().nullish(),
});

export const networkConfigurationRequestSchema = z.strictObject({
  geography: z.enum(["core", "china+core", "russia+core"]),
  secureNetwork: z.enum(["standard-tls", "enhanced-tls"]),
  sniOnly: z.boolean(),
  /** Deprecated in v12 (no effect) but still required by the schema. */
  quicEnabled: z.boolean().default(false),
  mustHaveCiphers: text.nullish(),
  preferredCiphers: text.nullish(),
  disallowedTlsVersions: z.array(text).nullish(),
  ocspStapling: z.enum(["on", "off", "not-set"]).nullish(),
  dnsNameSettings: z.strictObject({ cloneDnsNames: z.boolean(), dnsNames: z.array(text).nullish() }).nullish(),
  clientMutualAuthentication: z
    .strictObject({
      setId: text,
      authenticationOptions: z
        .strictObject({ sendCaListToClient: z.boolean(), ocsp: z.strictObject({ enabled: z.boolean() }) })
        .nullish(),
    })
    .nullish(),
  fipsMode: z.boolean().nullish(),
});

export const enrollmentRequestSchema = z.strictObject({
  ra: z.enum(["symantec", "lets-encrypt", "third-party"]),
  validationType: z.enum(["dv", "ov", "ev", "third-party"]),
  certificateType: z.enum(["san", "single", "wildcard", "wildcard-san", "third-party"]),
  certificateChainType: z.enum(["default", "symantec1kroot"]).nullish(),
  changeManagement: z.boolean(),
  enableMultiStackedCertificates: z.boolean().default(false),
  signatureAlgorithm: z.enum(["SHA-1", "SHA-256"]).nullish(),
  orgId: z.number().int().nonnegative().nullish(),
  csr: csrRequestSchema,
  networkConfiguration: networkConfigurationRequestSchema,
  org: orgRequestSchema.nullish(),
  adminContact: contactRequestSchema.nullish(),
  techContact: contactRequestSchema.nullish(),
  thirdParty: z.strictObject({ excludeSans: z.boolean() }).nullish(),
});
/** What callers pass (defaults may be omitted). */
export type EnrollmentRequest = z.input<typeof enrollmentRequestSchema>;
/** What is sent. */
export type EnrollmentRequestBody = z.output<typeof enrollmentRequestSchema>;

/**
 * The writable part of a fetched enrollment, for "GET, edit, PUT back": read-only members (id,
 * location, slots, pendingChanges, limits, autoRenewalStartTime) dropped.
 */
export function toEnrollmentRequest(enrollment: Enrollment): EnrollmentRequest {
  const nc = enrollment.networkConfiguration;
  const orNull = (value: string | null | undefined): string | null => (value === undefined || value === "" ? null : value);
  const pickContact = (contact: Enrollment["adminContact"]): EnrollmentRequest["adminContact"] =>
    contact == null
      ? contact
      : {
          firstName: orNull(contact.firstName),
          lastName: orNull(contact.lastName),
          title: orNull(contact.title),
          organizationName: orNull(contact.organizationName),
          email: orNull(contact.email),
          phone: orNull(contact.phone),
          addressLineOne: orNull(contact.addressLineOne),
          addressLineTwo: orNull(contact.addressLineTwo),
          city: orNull(contact.city),
          region: orNull(contact.region),
          postalCode: orNull(contact.postalCode),
          country: orNull(contact.country),
        };
  const request = {
    ra: enrollment.ra,
    validationType: enrollment.validationType,
    certificateType: enrollment.certificateType,
    certificateChainType: enrollment.certificateChainType,
    changeManagement: enrollment.changeManagement,
    enableMultiStackedCertificates: enrollment.enableMultiStackedCertificates ?? false,
    signatureAlgorithm: enrollment.signatureAlgorithm,
    orgId: enrollment.orgId == null ? enrollment.orgId : Number(enrollment.orgId),
    csr: {
      cn: enrollment.csr.cn,
      sans: enrollment.csr.sans,
      c: enrollment.csr.c,
      st: enrollment.csr.st,
      l: enrollment.csr.l,
      o: enrollment.csr.o,
      ou: enrollment.csr.ou,
      preferredTrustChain: enrollment.csr.preferredTrustChain,
    },
    networkConfiguration: {
      geography: nc.geography,
      secureNetwork: nc.secureNetwork,
      sniOnly: nc.sniOnly,
      quicEnabled: nc.quicEnabled ?? false,
      mustHaveCiphers: nc.mustHaveCiphers,
      preferredCiphers: nc.preferredCiphers,
      disallowedTlsVersions: nc.disallowedTlsVersions,
      ocspStapling: nc.ocspStapling,
      dnsNameSettings: nc.dnsNameSettings == null ? nc.dnsNameSettings : { cloneDnsNames: nc.dnsNameSettings.cloneDnsNames, dnsNames: nc.dnsNameSettings.dnsNames },
      clientMutualAuthentication:
        nc.clientMutualAuthentication == null
          ? nc.clientMutualAuthentication
          : {
              setId: nc.clientMutualAuthentication.setId,
              authenticationOptions:
                nc.clientMutualAuthentication.authenticationOptions == null
                  ? nc.clientMutualAuthentication.authenticationOptions
                  : {
                      sendCaListToClient: nc.clientMutualAuthentication.authenticationOptions.sendCaListToClient,
                      ocsp: { enabled: nc.clientMutualAuthentication.authenticationOptions.ocsp?.enabled },
                    },
            },
      fipsMode: nc.fipsMode,
    },
    org:
      enrollment.org == null
        ? enrollment.org
        : {
            name: orNull(enrollment.org.name),
            addressLineOne: orNull(enrollment.org.addressLineOne),
            addressLineTwo: orNull(enrollment.org.addressLineTwo),
            city: orNull(enrollment.org.city),
            region: orNull(enrollment.org.region),
            postalCode: orNull(enrollment.org.postalCode),
            country: orNull(enrollment.org.country),
            phone: orNull(enrollment.org.phone),
          },
    adminContact: pickContact(enrollment.adminContact),
    techContact: pickContact(enrollment.techContact),
    thirdParty: enrollment.thirdParty == null ? enrollment.thirdParty : { excludeSans: enrollment.thirdParty.excludeSans },
  };
  // Validated here so a fetched enrollment the v12 request schema cannot express fails loudly.
  return enrollmentRequestSchema.parse(request);
}
