import { X509Certificate, createHash } from "crypto";
import type { CertificateRecord, ChangeRecord, DeploymentRecord, DvDomainRecord, EnrollmentRecord, NetworkConfiguration, WarningRecord } from "./model";
import { certificateNames } from "./normalize";
import { formatWarnings } from "../pki/warning-catalogue";

/** Renders internal records as the JSON of each media-type version. */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export const enrollmentPath = (id: number): string => `/cps/v2/enrollments/${id}`;
export const changePath = (enrollmentId: number, changeId: number): string => `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}`;

const orNull = (v: string | null): string | null => (v === "" ? null : v);

function stringMembers<T extends object>(o: T | null, strict: boolean): Json {
  if (!o) return null;
  const out: { [key: string]: Json } = {};
  for (const [k, v] of Object.entries(o)) out[k] = strict && typeof v === "string" ? orNull(v) : (v as Json);
  return out;
}

export function enrollmentView(e: EnrollmentRecord, change: ChangeRecord | undefined, version: number): { [key: string]: Json } {
  const s = e.spec;
  const v12 = version >= 12;
  const nc = s.networkConfiguration;
  const networkConfiguration: { [key: string]: Json } = {
    geography: nc.geography,
    secureNetwork: nc.secureNetwork,
    mustHaveCiphers: nc.mustHaveCiphers,
    preferredCiphers: nc.preferredCiphers,
    disallowedTlsVersions: nc.disallowedTlsVersions,
    sniOnly: nc.sniOnly,
    quicEnabled: nc.quicEnabled,
    ocspStapling: nc.ocspStapling,
    dnsNameSettings: nc.dnsNameSettings ? { cloneDnsNames: nc.dnsNameSettings.cloneDnsNames, dnsNames: nc.dnsNameSettings.dnsNames } : null,
    clientMutualAuthentication: nc.clientMutualAuthentication
      ? {
          setId: nc.clientMutualAuthentication.setId,
          authenticationOptions: nc.clientMutualAuthentication.authenticationOptions
            ? {
                sendCaListToClient: nc.clientMutualAuthentication.authenticationOptions.sendCaListToClient,
                ocsp: nc.clientMutualAuthentication.authenticationOptions.ocsp,
              }
            : null,
        }
      : null,
  };
  if (v12) networkConfiguration.fipsMode = nc.fipsMode ?? false;
  return {
    // An integer, as Akamai's Go client decodes it (edgegrid-golang pkg/cps/enrollments.go, `ID int`,
    // and its test bodies `"id": 1`); the OpenAPI schema's `type: string` would fail every GetEnrollment there.
    id: e.id,
    location: enrollmentPath(e.id),
    ra: s.ra,
    validationType: s.validationType,
    certificateType: s.certificateType,
    certificateChainType: s.certificateChainType,
    changeManagement: s.changeManagement,
    enableMultiStackedCertificates: s.enableMultiStackedCertificates,
    signatureAlgorithm: s.signatureAlgorithm,
    orgId: s.orgId,
    autoRenewalStartTime: e.autoRenewalStartTime,
    maxAllowedSanNames: 100,
    maxAllowedWildcardSanNames: 100,
    assignedSlots: e.assignedSlots,
    stagingSlots: e.stagingSlots,
    productionSlots: e.productionSlots,
    pendingChanges: change ? [{ location: changePath(e.id, change.id), changeType: change.pendingChangeType }] : [],
    csr: {
      cn: s.csr.cn,
      sans: s.csr.sans,
      c: v12 ? orNull(s.csr.c) : s.csr.c,
      st: v12 ? orNull(s.csr.st) : s.csr.st,
      l: v12 ? orNull(s.csr.l) : s.csr.l,
      o: v12 ? orNull(s.csr.o) : s.csr.o,
      ou: v12 ? orNull(s.csr.ou) : s.csr.ou,
      preferredTrustChain: s.csr.preferredTrustChain,
    },
    networkConfiguration,
    org: stringMembers(s.org, v12),
    adminContact: stringMembers(s.adminContact, v12),
    techContact: stringMembers(s.techContact, v12),
    thirdParty: s.thirdParty ? { excludeSans: s.thirdParty.excludeSans } : null,
  };
}

interface AllowedInput {
  type: string;
  requiredToProceed: boolean;
  info: string;
  update: string;
}

export function allowedInputs(change: ChangeRecord): AllowedInput[] {
  const base = changePath(change.enrollmentId, change.id);
  const input = (type: string, requiredToProceed: boolean, info: string, update: string): AllowedInput => ({
    type,
    requiredToProceed,
    info: `${base}/input/info/${info}`,
    update: `${base}/input/update/${update}`,
  });
  if (change.state === "error" || change.state === "cancelled" || change.state === "completed") return [];
  switch (change.status) {
    case "wait-review-pre-verification-safety-checks":
      return [input("pre-verification-warnings-acknowledgement", true, "pre-verification-warnings", "pre-verification-warnings-ack")];
    case "coodinate-domain-validation":
    case "coordinate-domain-validation":
      return [input("lets-encrypt-challenges", false, "lets-encrypt-challenges", "lets-encrypt-challenges-completed")];
    case "wait-upload-third-party":
      return [input("third-party-certificate", true, "third-party-csr", "third-party-cert-and-trust-chain")];
    case "wait-review-third-party-cert":
    case "wait-review-cert-warning":
      return [input("post-verification-warnings-acknowledgement", true, "post-verification-warnings", "post-verification-warnings-ack")];
    case "wait-ack-change-management":
      return [input("change-management", true, "change-management-info", "change-management-ack")];
    default:
      return [];
  }
}

export function changeView(change: ChangeRecord): { [key: string]: Json } {
  return {
    statusInfo: {
      status: change.status,
      state: change.state,
      description: change.description,
      error: change.error,
      deploymentSchedule: { notBefore: change.deploymentSchedule.notBefore, notAfter: change.deploymentSchedule.notAfter },
    },
    allowedInput: allowedInputs(change) as unknown as Json,
  };
}

function certificateView(c: CertificateRecord): { [key: string]: Json } {
  return {
    certificate: c.certificatePem,
    trustChain: c.trustChainPem || null,
    expiry: c.notAfter,
    keyAlgorithm: c.keyAlgorithm,
    signatureAlgorithm: c.signatureAlgorithm,
  };
}

function deployedNetworkConfiguration(nc: NetworkConfiguration, dnsNames: string[], version: number): { [key: string]: Json } {
  const out: { [key: string]: Json } = {
    geography: nc.geography,
    secureNetwork: nc.secureNetwork,
    mustHaveCiphers: nc.mustHaveCiphers,
    preferredCiphers: nc.preferredCiphers,
    disallowedTlsVersions: nc.disallowedTlsVersions,
    dnsNames,
    // deployment.v7 and v8 both carry on/off/not-set on the wire (see README: "True/False" is a YAML 1.1 reading of `on`/`off`)
    ocspStapling: nc.ocspStapling,
    quicEnabled: nc.quicEnabled,
    sniOnly: nc.sniOnly,
  };
  if (version >= 8) out.fipsMode = nc.fipsMode ?? false;
  return out;
}

export function deploymentView(d: DeploymentRecord, version: number): { [key: string]: Json } {
  const [primary, ...rest] = d.certificates;
  return {
    ocspStapled: d.networkConfiguration.ocspStapling === "on",
    ocspUris: null,
    networkConfiguration: deployedNetworkConfiguration(d.networkConfiguration, d.dnsNames, version),
    primaryCertificate: primary ? certificateView(primary) : null,
    multiStackedCertificates: rest.map(certificateView),
  };
}

export function changeManagementInfoView(change: ChangeRecord, version: number): { [key: string]: Json } {
  const nc = change.target.networkConfiguration;
  const v5 = version <= 5;
  // change-management-info.v5 carries booleans as strings on the wire (examples/change-management-info.v5-3p.json)
  const bool = (b: boolean): Json => (v5 ? String(b) : b);
  const pendingNetworkConfiguration: { [key: string]: Json } = {
    networkType: nc.geography === "core" ? "standard-worldwide" : nc.geography,
    mustHaveCiphers: nc.mustHaveCiphers,
    preferredCiphers: nc.preferredCiphers,
    disallowedTlsVersions: nc.disallowedTlsVersions,
    ocspStapling: nc.ocspStapling,
    quicEnabled: bool(nc.quicEnabled),
    sniOnly: bool(nc.sniOnly),
    dnsNameSettings: nc.dnsNameSettings ? { cloneDnsNames: nc.dnsNameSettings.cloneDnsNames, dnsNames: nc.dnsNameSettings.dnsNames ?? [] } : null,
  };
  if (!v5) pendingNetworkConfiguration.fipsMode = nc.fipsMode ?? false;
  return {
    acknowledgementDeadline: change.changeManagementDeadline,
    validationResultHash: change.validationResultHash ?? "",
    validationResult: {
      errors: null,
      // One entry listing every warning, the shape of Akamai's example
      // (apis/cps/v2/newer/examples/change-management-info.v6-3p.json).
      warnings:
        change.postVerificationWarnings.length === 0 ? [] : [{ message: `[${change.postVerificationWarnings.map((w) => w.message).join(", ")}]`, messageCode: "no-code" }],
    },
    pendingState: {
      pendingCertificates: change.certificates.map((c) => ({
        certificateType: change.target.certificateType,
        fullCertificate: c.certificatePem + (c.trustChainPem ?? ""),
        keyAlgorithm: c.keyAlgorithm,
        ocspStapled: bool(nc.ocspStapling === "on"),
        ocspUris: null,
        signatureAlgorithm: c.signatureAlgorithm,
      })),
      pendingNetworkConfiguration,
    },
  };
}

function challengeJson(d: DvDomainRecord): Json[] {
  return d.challenges.map((c) => ({
    type: c.type,
    status: c.status,
    token: c.token,
    responseBody: c.responseBody,
    fullPath: c.fullPath,
    redirectFullPath: c.redirectFullPath,
    error: c.error,
    validationRecords: [],
  }));
}

export function dvChallengesView(change: ChangeRecord): { [key: string]: Json } {
  return {
    dv: change.dv.map((d) => ({
      domain: d.domain,
      status: d.status,
      validationStatus: d.validationStatus,
      error: d.error,
      expires: d.expires,
      requestTimestamp: d.requestTimestamp,
      ...(d.validatedTimestamp ? { validatedTimestamp: d.validatedTimestamp } : {}),
      challenges: challengeJson(d),
    })),
  };
}

export function dvHistoryView(e: EnrollmentRecord): { [key: string]: Json } {
  return {
    results: Object.entries(e.dvHistory).map(([domain, entries]) => ({
      domain,
      domainHistory: entries.map((d) => {
        const http = d.challenges.find((c) => c.type === "http-01") ?? d.challenges[0];
        return {
          domain: d.domain,
          status: d.status,
          validationStatus: d.validationStatus,
          error: d.error,
          expires: d.expires,
          requestTimestamp: d.requestTimestamp,
          ...(d.validatedTimestamp ? { validatedTimestamp: d.validatedTimestamp } : {}),
          token: http.token,
          responseBody: http.responseBody,
          fullPath: http.fullPath,
          redirectFullPath: http.redirectFullPath,
          challenges: challengeJson(d),
          validationRecords: [],
        };
      }),
    })),
  };
}

export function csrView(change: ChangeRecord, version: number): { [key: string]: Json } {
  if (version === 1) return { csr: change.keys[0]?.csrPem ?? "" };
  return { csrs: change.keys.map((k) => ({ csr: k.csrPem, keyAlgorithm: k.keyAlgorithm })) };
}

/**
 * `warnings.v1`. Akamai's examples: post-verification warnings follow a `[WARNINGS]` header
 * (examples/warnings.v1-3p-post-verification.json), pre-verification ones come bare
 * (examples/warnings.v1-auto-pre-verification.json).
 */
export function warningsView(warnings: readonly WarningRecord[], stage: "pre" | "post"): { [key: string]: Json } {
  const text = formatWarnings(warnings);
  return { warnings: stage === "post" ? text : text.replace(/^\[WARNINGS\]\n/, "") };
}

const HISTORY_GEOGRAPHY: Record<string, string> = { core: "standard-worldwide", "china+core": "worldwide", "russia+core": "worldwide-russia" };

export function certificateHistoryView(e: EnrollmentRecord, includeAll: boolean): { [key: string]: Json } {
  const entries = [...e.certificateHistory].reverse();
  const shown = includeAll ? entries : entries.slice(0, 6);
  return {
    certificates: shown.map((h) => {
      const [primary, ...rest] = h.certificates;
      const cert = (c: CertificateRecord): Json => ({ certificate: c.certificatePem, trustChain: c.trustChainPem || null, expiry: c.notAfter, keyAlgorithm: c.keyAlgorithm });
      return {
        type: h.certificateType,
        deploymentStatus: e.production?.changeId === h.changeId ? "active" : "inactive",
        stagingStatus: e.staging?.changeId === h.changeId ? "active" : "inactive",
        // Akamai's certificate-history.v2 schema allows standard-worldwide, worldwide, worldwide-russia
        // (apis/cps/v2/schemas/certificate-history.v2.yaml): the enrollment's geography mapped onto them
        geography: HISTORY_GEOGRAPHY[h.geography] ?? "standard-worldwide",
        ra: h.ra,
        slots: h.slots,
        primaryCertificate: primary ? cert(primary) : null,
        multiStackedCertificates: rest.map(cert),
      };
    }),
  };
}

const ACTION_DESCRIPTIONS: Record<string, string> = {
  "new-certificate": "Create New Certificate",
  renew: "Renew Certificate",
  "modify-san": "Modify SANs",
  "modify-certificate": "Modify Certificate",
  "update-network-configuration": "Update Network Configuration",
};

export function changeHistoryView(e: EnrollmentRecord, changes: ChangeRecord[], includeAll: boolean): { [key: string]: Json } {
  const ordered = [...changes].sort((a, b) => b.id - a.id);
  const shown = includeAll ? ordered : ordered.slice(0, 6);
  return {
    changes: shown.map((c) => {
      const certFor = (i: number): { [key: string]: Json } => {
        const key = c.keys[i];
        const issued = c.certificates.find((x) => x.keyAlgorithm === key?.keyAlgorithm);
        return { certificate: issued?.certificatePem ?? null, csr: key?.csrPem ?? "", keyAlgorithm: key?.keyAlgorithm ?? "RSA", trustChain: issued?.trustChainPem || null };
      };
      return {
        // modify-certificate has no history action of its own: CPS reports it as a new certificate
        action: c.action === "modify-certificate" ? "new-certificate" : c.action,
        actionDescription: ACTION_DESCRIPTIONS[c.action] ?? c.action,
        businessCaseId: null,
        createdBy: "cps-emulator",
        createdOn: c.createdOn,
        lastUpdated: c.lastUpdated,
        ra: c.target.ra,
        status: c.outcome,
        primaryCertificate: c.keys.length > 0 ? certFor(0) : null,
        primaryCertificateOrderDetails: c.orderId ? { orderId: c.orderId } : null,
        multiStackedCertificates: c.keys.slice(1).map((_, i) => certFor(i + 1)),
      };
    }),
  };
}

function activeCertificate(c: CertificateRecord): { [key: string]: Json } {
  let issuer = "";
  let fingerprint: string;
  try {
    const x = new X509Certificate(c.certificatePem);
    issuer = x.issuer.replace(/\n/g, ", ");
    fingerprint = x.fingerprint256;
  } catch {
    fingerprint = createHash("sha256").update(c.certificatePem).digest("hex").toUpperCase().replace(/(..)(?!$)/g, "$1:");
  }
  return {
    serial: c.serialHex.replace(/(..)(?!$)/g, "$1:").toLowerCase(),
    sha256Fingerprint: fingerprint,
    expiry: c.notAfter,
    issuer,
    keyAlgorithm: c.keyAlgorithm,
    signatureAlgorithm: c.signatureAlgorithm,
  };
}

export function activeCertificatesView(enrollments: EnrollmentRecord[], pending: (e: EnrollmentRecord) => ChangeRecord | undefined): { [key: string]: Json } {
  const network = (e: EnrollmentRecord, d: DeploymentRecord | null, name: string): Json | undefined => {
    if (!d) return undefined;
    const [primary, ...rest] = d.certificates;
    return {
      location: `${enrollmentPath(e.id)}/deployments/${name}`,
      networkConfiguration: deployedNetworkConfiguration(d.networkConfiguration, d.dnsNames, 8),
      ...(primary ? { primaryCertificate: activeCertificate(primary) } : {}),
      multiStackedCertificates: rest.map(activeCertificate),
    };
  };
  return {
    enrollments: enrollments
      .filter((e) => e.production || e.staging)
      .map((e) => {
        const change = pending(e);
        const out: { [key: string]: Json } = {
          id: e.id,
          location: enrollmentPath(e.id),
          certificateType: e.spec.certificateType,
          enableMultiStackedCertificates: e.spec.enableMultiStackedCertificates,
          csr: { cn: e.spec.csr.cn, sans: certificateNames(e.spec) },
          pendingChanges: change ? [{ location: changePath(e.id, change.id), changeType: change.pendingChangeType }] : [],
          assignedSlots: e.assignedSlots,
          stagingSlots: e.stagingSlots,
          productionSlots: e.productionSlots,
        };
        const production = network(e, e.production, "production");
        const staging = network(e, e.staging, "staging");
        if (production) out.production = production;
        if (staging) out.staging = staging;
        return out;
      }),
  };
}
