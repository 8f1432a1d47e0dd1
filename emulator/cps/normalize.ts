import type { EnrollmentVersion, ParsedEnrollmentRequest } from "./request-schemas";
import type { Contact, EnrollmentSpec, NetworkConfiguration, Org } from "./model";

const DEFAULT_CIPHERS = "ak-akamai-default";

function contact(c: Partial<Record<keyof Contact, string | null | undefined>> | null | undefined): Contact | null {
  if (!c) return null;
  return {
    title: c.title ?? null,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    organizationName: c.organizationName ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    addressLineOne: c.addressLineOne ?? null,
    addressLineTwo: c.addressLineTwo ?? null,
    city: c.city ?? null,
    region: c.region ?? null,
    postalCode: c.postalCode ?? null,
    country: c.country ?? null,
  };
}

function org(o: Partial<Record<keyof Org, string | null | undefined>> | null | undefined): Org | null {
  if (!o) return null;
  return {
    name: o.name ?? null,
    addressLineOne: o.addressLineOne ?? null,
    addressLineTwo: o.addressLineTwo ?? null,
    city: o.city ?? null,
    region: o.region ?? null,
    postalCode: o.postalCode ?? null,
    country: o.country ?? null,
    phone: o.phone ?? null,
  };
}

function uniqueLower(names: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    const key = n.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(n);
    }
  }
  return out;
}

/** Turns a validated request body of any supported version into the emulator's internal spec. */
export function toEnrollmentSpec(body: ParsedEnrollmentRequest, version: EnrollmentVersion): EnrollmentSpec {
  const nc = body.networkConfiguration;
  // enrollment.v4 has no sniOnly: an `sni` block means SNI-only with those names
  const sniSettings = version === 4 ? nc.sni : nc.dnsNameSettings;
  const mtls = nc.clientMutualAuthentication;
  const networkConfiguration: NetworkConfiguration = {
    geography: nc.geography,
    secureNetwork: nc.secureNetwork,
    sniOnly: version === 4 ? nc.sni != null : (nc.sniOnly ?? false),
    quicEnabled: nc.quicEnabled ?? false,
    mustHaveCiphers: nc.mustHaveCiphers ?? DEFAULT_CIPHERS,
    preferredCiphers: nc.preferredCiphers ?? DEFAULT_CIPHERS,
    disallowedTlsVersions: nc.disallowedTlsVersions ?? [],
    ocspStapling: nc.ocspStapling ?? "not-set",
    dnsNameSettings: sniSettings ? { cloneDnsNames: sniSettings.cloneDnsNames, dnsNames: sniSettings.dnsNames ?? null } : null,
    clientMutualAuthentication: mtls
      ? {
          setId: mtls.setId ?? null,
          authenticationOptions: mtls.authenticationOptions
            ? {
                sendCaListToClient: mtls.authenticationOptions.sendCaListToClient ?? null,
                ocsp: mtls.authenticationOptions.ocsp ? { enabled: mtls.authenticationOptions.ocsp.enabled ?? null } : null,
              }
            : null,
        }
      : null,
    fipsMode: nc.fipsMode ?? null,
  };
  const csr = body.csr;
  return {
    ra: body.ra,
    validationType: body.validationType,
    certificateType: body.certificateType,
    certificateChainType: body.certificateChainType ?? (version >= 7 ? "default" : null),
    changeManagement: body.changeManagement,
    enableMultiStackedCertificates: body.enableMultiStackedCertificates ?? false,
    signatureAlgorithm: body.signatureAlgorithm ?? (body.ra === "third-party" ? null : "SHA-256"),
    orgId: body.orgId != null ? Number(body.orgId) : null,
    csr: {
      cn: csr.cn,
      sans: uniqueLower(csr.sans ?? []),
      c: csr.c ?? null,
      st: csr.st ?? null,
      l: csr.l ?? null,
      o: csr.o ?? null,
      ou: csr.ou ?? null,
      preferredTrustChain: csr.preferredTrustChain ?? null,
    },
    networkConfiguration,
    org: org(body.org),
    adminContact: contact(body.adminContact),
    techContact: contact(body.techContact),
    thirdParty: body.thirdParty ? { excludeSans: body.thirdParty.excludeSans } : null,
  };
}

/** Every hostname the certificate covers: CN first, then SANs (case-insensitively unique). */
export function certificateNames(spec: EnrollmentSpec): string[] {
  return uniqueLower([spec.csr.cn, ...spec.csr.sans]);
}

/** Hostnames the edge serves for this enrollment. */
export function servedNames(spec: EnrollmentSpec): string[] {
  const dns = spec.networkConfiguration.dnsNameSettings;
  if (spec.networkConfiguration.sniOnly && dns && !dns.cloneDnsNames && dns.dnsNames && dns.dnsNames.length > 0) return uniqueLower(dns.dnsNames);
  return certificateNames(spec);
}
