import { z } from "zod";

/**
 * Request bodies, one zod schema per media-type version, mirroring the published JSON schemas:
 * `additionalProperties: false` (strictObject), `required` members, enums. Read-only members
 * (id, location, pendingChanges, slots, ...) are accepted and ignored, as CPS does for the
 * GET-edit-PUT workflow.
 */

export type EnrollmentVersion = 4 | 7 | 9 | 10 | 11 | 12;
export const ENROLLMENT_REQUEST_VERSIONS: EnrollmentVersion[] = [4, 7, 9, 10, 11, 12];

const RA = z.enum(["symantec", "lets-encrypt", "third-party"]);
const VALIDATION = z.enum(["dv", "ov", "ev", "third-party"]);
const CERT_TYPE = z.enum(["san", "single", "wildcard", "wildcard-san", "third-party"]);
const GEOGRAPHY = z.enum(["core", "china+core", "russia+core"]);
const SECURE_NETWORK = z.enum(["standard-tls", "enhanced-tls"]);
const OCSP = z.enum(["on", "off", "not-set"]);
const CHANGE_TYPE = z.enum(["new-certificate", "modify-certificate", "modify-san", "renewal"]);

function text(v: EnrollmentVersion) {
  return v >= 12 ? z.string().min(1) : z.string();
}

function contact(v: EnrollmentVersion) {
  const member = v >= 12 ? text(v).nullable() : text(v).nullable().optional();
  return z.strictObject({
    title: member,
    firstName: member,
    lastName: member,
    organizationName: member,
    email: member,
    phone: member,
    addressLineOne: member,
    addressLineTwo: member,
    city: member,
    region: member,
    postalCode: member,
    country: member,
  });
}

function org(v: EnrollmentVersion) {
  const member = v >= 12 ? text(v).nullable() : text(v).nullable().optional();
  return z.strictObject({
    name: v >= 11 ? member : text(v).optional(),
    addressLineOne: member,
    addressLineTwo: member,
    city: member,
    region: member,
    postalCode: member,
    country: member,
    phone: member,
  });
}

function csr(v: EnrollmentVersion) {
  const optionalText = text(v).nullable().optional();
  return z.strictObject({
    cn: text(v),
    sans: z.array(text(v)).nullable().optional(),
    c: optionalText,
    st: optionalText,
    l: optionalText,
    o: optionalText,
    ou: optionalText,
    // "For entity versions that support preferredTrustChain, the CPS engine rejects null"
    // (akamai-apis apis/cps/v2/newer/schemas/enrollment.v12.yaml); Akamai's Go client omits it when unset.
    ...(v >= 10 ? { preferredTrustChain: text(v).optional() } : {}),
  });
}

const DNS_NAME_SETTINGS = z.strictObject({ cloneDnsNames: z.boolean(), dnsNames: z.array(z.string()).nullable().optional() });

function networkConfiguration(v: EnrollmentVersion) {
  const optionalText = text(v).nullable().optional();
  if (v === 4) {
    return z.strictObject({
      geography: GEOGRAPHY,
      secureNetwork: SECURE_NETWORK,
      mustHaveCiphers: optionalText,
      preferredCiphers: optionalText,
      disallowedTlsVersions: z.array(z.string()).nullable().optional(),
      sni: DNS_NAME_SETTINGS.nullable().optional(),
    });
  }
  const clientAuth = z
    .strictObject({
      setId: z.string().nullable().optional(),
      authenticationOptions: z
        .strictObject({
          sendCaListToClient: v >= 12 ? z.boolean().nullable() : z.boolean().nullable().optional(),
          ocsp: z.strictObject({ enabled: v >= 12 ? z.boolean().nullable() : z.boolean().nullable().optional() }).nullable().optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional();
  return z.strictObject({
    geography: GEOGRAPHY,
    secureNetwork: SECURE_NETWORK,
    sniOnly: z.boolean(),
    quicEnabled: z.boolean(),
    mustHaveCiphers: optionalText,
    preferredCiphers: optionalText,
    disallowedTlsVersions: z.array(z.string()).nullable().optional(),
    ocspStapling: OCSP.nullable().optional(),
    dnsNameSettings: DNS_NAME_SETTINGS.nullable().optional(),
    ...(v >= 9 ? { clientMutualAuthentication: clientAuth } : {}),
    ...(v >= 12 ? { fipsMode: z.boolean().nullable().optional() } : {}),
  });
}

/** Schema for an enrollment body of the given version (POST and PUT). */
export function enrollmentRequestSchema(v: EnrollmentVersion) {
  const contactsRequired = v <= 10;
  const pendingChanges =
    v >= 10
      ? z.array(z.strictObject({ location: text(v), changeType: CHANGE_TYPE.nullable().optional() })).nullable().optional()
      : z.array(z.string()).nullable().optional();
  return z.strictObject({
    // read-only members: accepted, ignored
    location: z.string().nullable().optional(),
    pendingChanges,
    ...(v >= 7 ? { maxAllowedSanNames: z.number().int().nullable().optional(), maxAllowedWildcardSanNames: z.number().int().nullable().optional() } : {}),
    ...(v >= 9 ? { autoRenewalStartTime: z.string().nullable().optional() } : {}),
    ...(v >= 11
      ? {
          // id: string in the schema, integer in real data (edgegrid-golang pkg/cps/enrollments.go): accept both
          id: z.union([z.string(), z.number().int()]).nullable().optional(),
          assignedSlots: z.array(z.number().int()).nullable().optional(),
          stagingSlots: z.array(z.number().int()).nullable().optional(),
          productionSlots: z.array(z.number().int()).nullable().optional(),
          // orgId: an integer in Akamai's v11 and v12 schemas (apis/cps/v2/schemas/enrollment.v11.yaml) and
          // in Akamai's Go client; a string is rejected
          orgId: z.number().int().min(0).nullable().optional(),
        }
      : {}),
    ra: RA,
    validationType: VALIDATION,
    certificateType: CERT_TYPE,
    changeManagement: z.boolean(),
    ...(v >= 7
      ? { enableMultiStackedCertificates: z.boolean(), certificateChainType: z.enum(["default", "symantec1kroot"]).nullable().optional() }
      : // not in the v4 schema, but Akamai's own v4 examples (create/update-enrollment.v4-w-3p-sni-cm.json) send it
        { enableMultiStackedCertificates: z.boolean().optional() }),
    signatureAlgorithm: z.enum(["SHA-1", "SHA-256"]).nullable().optional(),
    csr: csr(v),
    networkConfiguration: networkConfiguration(v),
    org: contactsRequired ? org(v).nullable() : org(v).nullable().optional(),
    adminContact: contactsRequired ? contact(v).nullable() : contact(v).nullable().optional(),
    techContact: contactsRequired ? contact(v).nullable() : contact(v).nullable().optional(),
    thirdParty: z.strictObject({ excludeSans: z.boolean() }).nullable().optional(),
  });
}

/**
 * Every member any supported version may carry, loosely: used to read a body *after* the
 * version's own strict schema accepted it, so the normaliser sees one well-typed shape.
 */
const looseContact = z.record(z.string(), z.string().nullable().optional());
export const enrollmentSupersetSchema = z.object({
  ra: RA,
  validationType: VALIDATION,
  certificateType: CERT_TYPE,
  changeManagement: z.boolean(),
  enableMultiStackedCertificates: z.boolean().optional(),
  certificateChainType: z.enum(["default", "symantec1kroot"]).nullable().optional(),
  signatureAlgorithm: z.enum(["SHA-1", "SHA-256"]).nullable().optional(),
  orgId: z.union([z.number(), z.string()]).nullable().optional(),
  csr: z.object({
    cn: z.string(),
    sans: z.array(z.string()).nullable().optional(),
    c: z.string().nullable().optional(),
    st: z.string().nullable().optional(),
    l: z.string().nullable().optional(),
    o: z.string().nullable().optional(),
    ou: z.string().nullable().optional(),
    preferredTrustChain: z.string().nullable().optional(),
  }),
  networkConfiguration: z.object({
    geography: GEOGRAPHY,
    secureNetwork: SECURE_NETWORK,
    sniOnly: z.boolean().optional(),
    quicEnabled: z.boolean().optional(),
    mustHaveCiphers: z.string().nullable().optional(),
    preferredCiphers: z.string().nullable().optional(),
    disallowedTlsVersions: z.array(z.string()).nullable().optional(),
    ocspStapling: OCSP.nullable().optional(),
    dnsNameSettings: DNS_NAME_SETTINGS.nullable().optional(),
    sni: DNS_NAME_SETTINGS.nullable().optional(),
    clientMutualAuthentication: z
      .object({
        setId: z.string().nullable().optional(),
        authenticationOptions: z
          .object({ sendCaListToClient: z.boolean().nullable().optional(), ocsp: z.object({ enabled: z.boolean().nullable().optional() }).nullable().optional() })
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
    fipsMode: z.boolean().nullable().optional(),
  }),
  org: looseContact.nullable().optional(),
  adminContact: looseContact.nullable().optional(),
  techContact: looseContact.nullable().optional(),
  thirdParty: z.object({ excludeSans: z.boolean() }).nullable().optional(),
});

export type ParsedEnrollmentRequest = z.infer<typeof enrollmentSupersetSchema>;

export const acknowledgementSchema = z.strictObject({ acknowledgement: z.enum(["acknowledge", "deny"]) });
export const acknowledgementWithHashSchema = z.strictObject({
  acknowledgement: z.enum(["acknowledge", "deny"]),
  hash: z.string(),
});
export const certificateAndTrustChainV1Schema = z.strictObject({
  certificate: z.string(),
  trustChain: z.string().nullable().optional(),
});
export const certificateAndTrustChainV2Schema = z.strictObject({
  certificatesAndTrustChains: z
    .array(
      z.strictObject({
        keyAlgorithm: z.enum(["RSA", "ECDSA"]),
        certificate: z.string(),
        trustChain: z.string().nullable().optional(),
      }),
    )
    .min(1),
});
export const deploymentScheduleSchema = z.strictObject({
  notBefore: z.string().nullable().optional(),
  notAfter: z.string().nullable().optional(),
});
