/**
 * The bridge between Enrollment inputs and CPS enrollment bodies: the request we send, and a
 * normalised "comparable view" computed the same way from inputs and from a live enrollment, so that
 * diff sees real drift (Control Center edits) and never a perpetual diff (SAN order, case, the CN in
 * SANs, API defaults, members the user does not manage).
 */
import type { Enrollment, EnrollmentRequest } from "../cps";
import { normalizeHostname } from "./hostnames";
import { canonicalJson } from "./same-value";
import {
  certificateNames,
  effectiveCertificateType,
  EnrollmentInputs,
  registrationAuthority,
} from "./enrollment-inputs";

type Contact = NonNullable<EnrollmentInputs["adminContact"]>;

function contactBody(c: Contact | undefined): EnrollmentRequest["adminContact"] {
  if (!c) return null;
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    phone: c.phone,
    title: c.title ?? null,
    organizationName: c.organizationName ?? null,
    addressLineOne: c.addressLineOne ?? null,
    addressLineTwo: c.addressLineTwo ?? null,
    city: c.city ?? null,
    region: c.region ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country ?? null,
  };
}

/** The v12 enrollment body for POST/PUT. `clientMutualAuthentication` can be left out (CPS refuses it on create). */
export function enrollmentRequest(inputs: EnrollmentInputs, opts: { includeMutualAuth?: boolean } = {}): EnrollmentRequest {
  const o = inputs.organization;
  const thirdParty = inputs.validationType === "third-party";
  const mtls = inputs.clientMutualAuthentication;
  return {
    ra: registrationAuthority(inputs),
    validationType: inputs.validationType,
    certificateType: effectiveCertificateType(inputs),
    ...(inputs.certificateChainType ? { certificateChainType: inputs.certificateChainType } : {}),
    changeManagement: inputs.changeManagement,
    enableMultiStackedCertificates: inputs.dualStack,
    signatureAlgorithm: thirdParty ? (inputs.signatureAlgorithm ?? null) : (inputs.signatureAlgorithm ?? "SHA-256"),
    ...(inputs.orgId !== undefined ? { orgId: inputs.orgId } : {}),
    csr: {
      cn: inputs.commonName,
      // CPS and Terraform keep the CN inside the SAN list.
      sans: certificateNames(inputs),
      c: inputs.csr.c ?? null,
      st: inputs.csr.st ?? null,
      l: inputs.csr.l ?? null,
      o: inputs.csr.o ?? null,
      ou: inputs.csr.ou ?? null,
      preferredTrustChain: inputs.csr.preferredTrustChain ?? null,
    },
    networkConfiguration: {
      geography: inputs.geography,
      secureNetwork: inputs.secureNetwork,
      sniOnly: inputs.sniOnly,
      quicEnabled: inputs.quicEnabled,
      mustHaveCiphers: inputs.mustHaveCiphers,
      preferredCiphers: inputs.preferredCiphers,
      disallowedTlsVersions: inputs.disallowedTlsVersions,
      ocspStapling: inputs.ocspStapling,
      dnsNameSettings: inputs.sniOnly
        ? { cloneDnsNames: inputs.cloneDnsNames, dnsNames: inputs.cloneDnsNames ? null : (inputs.dnsNames ?? []).map(normalizeHostname) }
        : null,
      clientMutualAuthentication:
        mtls && opts.includeMutualAuth !== false
          ? { setId: mtls.setId, authenticationOptions: { sendCaListToClient: mtls.sendCaListToClient, ocsp: { enabled: mtls.ocspEnabled } } }
          : null,
      ...(inputs.fipsMode !== undefined ? { fipsMode: inputs.fipsMode } : {}),
    },
    org: o
      ? {
          name: o.name,
          addressLineOne: o.addressLineOne ?? null,
          addressLineTwo: o.addressLineTwo ?? null,
          city: o.city ?? null,
          region: o.region ?? null,
          postalCode: o.postalCode ?? null,
          country: o.country ?? null,
          phone: o.phone ?? null,
        }
      : null,
    adminContact: contactBody(inputs.adminContact),
    techContact: contactBody(inputs.techContact),
    thirdParty: thirdParty ? { excludeSans: inputs.excludeSans } : null,
  };
}

/** One comparable field: a dotted name and a canonical string value. */
export type ComparableView = Record<string, string>;

/** Fields whose change needs a new enrollment (Pulumi replace). */
export const REPLACE_FIELDS = ["commonName", "contractId", "validationType", "secureNetwork", "sniOnly"] as const;

const canon = (v: unknown): string => canonicalJson(v);
const sortedLower = (xs: ReadonlyArray<string> | null | undefined): string[] => [...new Set((xs ?? []).map(normalizeHostname))].sort();
const trimOrNull = (s: string | null | undefined): string | null => (s == null || s.trim() === "" ? null : s.trim());

/**
 * The comparable view of what the user asked for. Optional members the user left out are not in
 * the view: what is not managed is not diffed.
 */
export function viewOfInputs(inputs: EnrollmentInputs): ComparableView {
  const v: ComparableView = {
    contractId: canon(inputs.contractId),
    commonName: canon(inputs.commonName),
    sans: canon(sortedLower(certificateNames(inputs))),
    validationType: canon(inputs.validationType),
    certificateType: canon(effectiveCertificateType(inputs)),
    secureNetwork: canon(inputs.secureNetwork),
    sniOnly: canon(inputs.sniOnly),
    geography: canon(inputs.geography),
    mustHaveCiphers: canon(inputs.mustHaveCiphers),
    preferredCiphers: canon(inputs.preferredCiphers),
    disallowedTlsVersions: canon([...inputs.disallowedTlsVersions].sort()),
    ocspStapling: canon(inputs.ocspStapling),
    changeManagement: canon(inputs.changeManagement),
    dualStack: canon(inputs.dualStack),
  };
  if (inputs.sniOnly) {
    v.cloneDnsNames = canon(inputs.cloneDnsNames);
    if (!inputs.cloneDnsNames) v.dnsNames = canon(sortedLower(inputs.dnsNames));
  }
  if (inputs.validationType !== "third-party") v.signatureAlgorithm = canon(inputs.signatureAlgorithm ?? "SHA-256");
  else v.excludeSans = canon(inputs.excludeSans);
  if (inputs.fipsMode !== undefined) v.fipsMode = canon(inputs.fipsMode);
  if (inputs.clientMutualAuthentication) v.clientMutualAuthentication = canon(inputs.clientMutualAuthentication);
  for (const k of ["c", "st", "l", "o", "ou", "preferredTrustChain"] as const) {
    if (inputs.csr[k] !== undefined) v[`csr.${k}`] = canon(inputs.csr[k]);
  }
  if (inputs.orgId !== undefined) v.orgId = canon(inputs.orgId);
  for (const [name, obj] of [
    ["organization", inputs.organization],
    ["adminContact", inputs.adminContact],
    ["techContact", inputs.techContact],
  ] as const) {
    if (!obj) continue;
    for (const [k, val] of Object.entries(obj)) if (val !== undefined) v[`${name}.${k}`] = canon(trimOrNull(String(val)));
  }
  return v;
}

/** The comparable view of a live enrollment, restricted to the keys present in `like` (the desired view). */
export function viewOfEnrollment(e: Enrollment, contractId: string, like: ComparableView): ComparableView {
  const nc = e.networkConfiguration;
  const all: ComparableView = {
    contractId: canon(contractId),
    commonName: canon(normalizeHostname(e.csr.cn)),
    sans: canon(sortedLower([e.csr.cn, ...(e.csr.sans ?? [])])),
    validationType: canon(e.validationType),
    certificateType: canon(e.certificateType),
    secureNetwork: canon(nc.secureNetwork ?? "enhanced-tls"),
    sniOnly: canon(nc.sniOnly),
    geography: canon(nc.geography),
    mustHaveCiphers: canon(nc.mustHaveCiphers ?? "ak-akamai-default"),
    preferredCiphers: canon(nc.preferredCiphers ?? "ak-akamai-default"),
    disallowedTlsVersions: canon([...(nc.disallowedTlsVersions ?? [])].sort()),
    ocspStapling: canon(nc.ocspStapling ?? "not-set"),
    changeManagement: canon(e.changeManagement),
    dualStack: canon(e.enableMultiStackedCertificates ?? false),
    cloneDnsNames: canon(nc.dnsNameSettings?.cloneDnsNames ?? false),
    dnsNames: canon(sortedLower(nc.dnsNameSettings?.dnsNames)),
    signatureAlgorithm: canon(e.signatureAlgorithm ?? null),
    excludeSans: canon(e.thirdParty?.excludeSans ?? false),
    fipsMode: canon(nc.fipsMode ?? false),
    clientMutualAuthentication: canon(
      nc.clientMutualAuthentication?.setId
        ? {
            setId: nc.clientMutualAuthentication.setId,
            sendCaListToClient: nc.clientMutualAuthentication.authenticationOptions?.sendCaListToClient ?? false,
            ocspEnabled: nc.clientMutualAuthentication.authenticationOptions?.ocsp?.enabled ?? false,
          }
        : null,
    ),
    orgId: canon(e.orgId == null ? null : Number(e.orgId)),
  };
  for (const k of ["c", "st", "l", "o", "ou", "preferredTrustChain"] as const) all[`csr.${k}`] = canon(e.csr[k] ?? null);
  const objects = { organization: e.org, adminContact: e.adminContact, techContact: e.techContact } as const;
  for (const key of Object.keys(like)) {
    const m = /^(organization|adminContact|techContact)\.(.+)$/.exec(key);
    if (!m) continue;
    const obj = objects[m[1] as keyof typeof objects] as Record<string, unknown> | null | undefined;
    const raw = obj?.[m[2]!];
    all[key] = canon(trimOrNull(raw == null ? null : String(raw)));
  }
  const out: ComparableView = {};
  for (const key of Object.keys(like)) out[key] = all[key] ?? canon(null);
  return out;
}

/** Keys whose values differ between two views (keys of `desired`). */
export function changedKeys(desired: ComparableView, actual: ComparableView): string[] {
  return Object.keys(desired).filter((k) => desired[k] !== actual[k]);
}
