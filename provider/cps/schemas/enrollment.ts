import { z } from "zod";
import { parseTrailingId } from "../ids";
import { looseBoolean, nullableString, numericId, ocspStapling, openString } from "./common";

// ---------------------------------------------------------------------------------------------
// Response: enrollment as returned by GET (v11 or v12), tolerant.
// ---------------------------------------------------------------------------------------------

const contactResponse = z.looseObject({
  /** Given name. */
  firstName: nullableString,
  /** Family name. */
  lastName: nullableString,
  /** Job title. */
  title: nullableString,
  /** The contact's organization. */
  organizationName: nullableString,
  /** Email address. */
  email: nullableString,
  /** Phone number. */
  phone: nullableString,
  /** First address line. */
  addressLineOne: nullableString,
  /** Second address line. */
  addressLineTwo: nullableString,
  /** City. */
  city: nullableString,
  /** State, province or region. */
  region: nullableString,
  /** Postal code. */
  postalCode: nullableString,
  /** ISO 3166-1 alpha-2 country code. */
  country: nullableString,
});

const orgResponse = z.looseObject({
  /** Legal name of the organization. */
  name: nullableString,
  /** First address line. */
  addressLineOne: nullableString,
  /** Second address line. */
  addressLineTwo: nullableString,
  /** City. */
  city: nullableString,
  /** State, province or region. */
  region: nullableString,
  /** Postal code. */
  postalCode: nullableString,
  /** ISO 3166-1 alpha-2 country code. */
  country: nullableString,
  /** Phone number. */
  phone: nullableString,
});

const csrResponse = z.looseObject({
  /** Common name. */
  cn: z.string(),
  /** The other names on the certificate. */
  sans: z.array(z.string()).nullish(),
  /** Country (ISO 3166-1 alpha-2). */
  c: nullableString,
  /** State or province. */
  st: nullableString,
  /** Locality (city). */
  l: nullableString,
  /** Organization. */
  o: nullableString,
  /** Organizational unit. */
  ou: nullableString,
  /** DV: the Let's Encrypt trust chain chosen. */
  preferredTrustChain: nullableString,
});

const dnsNameSettings = z.looseObject({
  /** Whether the edge serves every certificate name (SNI). */
  cloneDnsNames: looseBoolean,
  /** The names the edge serves the certificate for (SNI). */
  dnsNames: z.array(z.string()).nullish(),
});

const clientMutualAuthentication = z.looseObject({
  /** The CA set client certificates are checked against. */
  setId: z.string().nullish(),
  /** Mutual TLS options. */
  authenticationOptions: z
    .looseObject({
      /** Whether the CA list is sent in the handshake. */
      sendCaListToClient: looseBoolean.nullish(),
      /** OCSP checking of client certificates. */
      ocsp: z
        .looseObject({
          /** Whether OCSP checking is on. */
          enabled: looseBoolean.nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const networkConfigurationResponse = z.looseObject({
  /** `core`, `china+core` or `russia+core`. */
  geography: openString,
  /** `standard-tls`, `enhanced-tls` or `shared-cert`. */
  secureNetwork: openString.nullish(),
  /** Whether the certificate is served to SNI clients only. */
  sniOnly: looseBoolean,
  /** Whether QUIC is on. */
  quicEnabled: looseBoolean.nullish(),
  /** The cipher profile clients must support. */
  mustHaveCiphers: nullableString,
  /** The preferred cipher profile. */
  preferredCiphers: nullableString,
  /** TLS versions turned off. */
  disallowedTlsVersions: z.array(z.string()).nullish(),
  /** OCSP stapling: `on`, `off` or `not-set`. */
  ocspStapling: ocspStapling.nullish(),
  /** Which names the edge serves the certificate for. */
  dnsNameSettings: dnsNameSettings.nullish(),
  /** Mutual TLS, when set up. */
  clientMutualAuthentication: clientMutualAuthentication.nullish(),
  /** Whether FIPS mode is on. */
  fipsMode: looseBoolean.nullish(),
});

/** `pendingChanges[]`: path strings up to v9, `{location, changeType}` objects from v10. */
const pendingChange = z
  .union([z.string(), z.looseObject({ location: z.string(), changeType: openString.nullish() })])
  .transform((item) => {
    const location = typeof item === "string" ? item : item.location;
    const changeType = typeof item === "string" ? null : (item.changeType ?? null);
    return {
      /** The change's path, `/cps/v2/enrollments/{id}/changes/{changeId}`. */
      location,
      /** `new-certificate`, `renewal`, `modify-san`, ... */
      changeType,
      /** The change id (the last segment of `location`). */
      changeId: parseTrailingId(location),
    };
  });
export type PendingChange = z.output<typeof pendingChange>;

export const enrollmentSchema = z
  .looseObject({
    /** The enrollment id. */
    id: numericId.nullish(),
    /** The enrollment's path, `/cps/v2/enrollments/{id}`. */
    location: nullableString,
    /** Registration authority: `lets-encrypt`, `symantec` or `third-party`. */
    ra: openString,
    /** `dv`, `ov`, `ev` or `third-party`. */
    validationType: openString,
    /** `san`, `single`, `wildcard`, `wildcard-san` or `third-party`. */
    certificateType: openString,
    /** OV/EV trust chain, `default` or `symantec1kroot`. */
    certificateChainType: nullableString,
    /** Whether deployment stops on staging until acknowledged. */
    changeManagement: looseBoolean,
    /** Dual-stack: RSA and ECDSA certificates side by side. */
    enableMultiStackedCertificates: looseBoolean.nullish(),
    /** Signature algorithm, e.g. `SHA-256`. */
    signatureAlgorithm: nullableString,
    /** When CPS starts the automatic renewal (ISO 8601). */
    autoRenewalStartTime: nullableString,
    /** The most names the certificate may hold. */
    maxAllowedSanNames: z.number().nullish(),
    /** The most wildcard names the certificate may hold. */
    maxAllowedWildcardSanNames: z.number().nullish(),
    /** The CA-registered organization, when used. */
    orgId: z.union([z.number(), z.string()]).nullish(),
    /** Edge slots assigned to the enrollment. */
    assignedSlots: z.array(z.number()).nullish(),
    /** Slots serving the certificate on production. */
    productionSlots: z.array(z.number()).nullish(),
    /** Slots serving the certificate on staging. */
    stagingSlots: z.array(z.number()).nullish(),
    /** The changes in progress, oldest first. */
    pendingChanges: z.array(pendingChange).nullish(),
    /** The certificate's names and subject. */
    csr: csrResponse,
    /** How the edge serves the certificate. */
    networkConfiguration: networkConfigurationResponse,
    /** The organization the certificate is issued to. */
    org: orgResponse.nullish(),
    /** The administrative contact. */
    adminContact: contactResponse.nullish(),
    /** The technical contact. */
    techContact: contactResponse.nullish(),
    /** Third-party settings. */
    thirdParty: z
      .looseObject({
        /** Whether the CSR leaves the SANs out. */
        excludeSans: looseBoolean,
      })
      .nullish(),
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
    return {
      ...body,
      /** The enrollment id. */
      id,
      /** The changes in progress, oldest first. */
      pendingChanges: body.pendingChanges ?? [],
    };
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
