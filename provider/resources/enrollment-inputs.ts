/**
 * The Enrollment resource's inputs: parsed and checked with zod before any API call, normalised so
 * that equivalent inputs compare equal (SAN order and case, the CN listed in SANs, `ctr_` prefixes).
 */
import { z } from "zod";
import { cpsContractId } from "../cps/ids";
import { COUNTRY_CODES } from "./countries";
import { hostnameProblem, normalizeHostname } from "./hostnames";
import { durationInput, enrollmentIdInput, scheduleInput, warningPolicyInput } from "./common-inputs";
import { expecting, phoneInput, singleLineText } from "./strict-inputs";
import { withDeprecatedNames } from "./deprecated-inputs";

/** CPS's limit on names per certificate (`maxAllowedSanNames`). */
export const MAX_NAMES = 100;
/** X.509 upper bound for a CN (RFC 5280 ub-common-name). */
export const MAX_CN_LENGTH = 64;

const countryCode = z
  .string(expecting("an ISO 3166-1 alpha-2 country code such as US, DE or JP"))
  .transform((s) => s.trim().toUpperCase())
  .refine((c) => COUNTRY_CODES.has(c), { message: "must be an ISO 3166-1 alpha-2 country code such as US, DE or JP" });

/** One line of printable text: these strings go to CPS and the CA, some into the certificate's subject. */
const text = singleLineText;

const contact = z
  .object({
    firstName: text(64),
    lastName: text(64),
    email: z.email({ error: (issue) => (issue.input === undefined ? "is required" : "must be an email address such as ada@example.com") }),
    phone: phoneInput,
    title: text(128).optional(),
    organizationName: text(128).optional(),
    addressLineOne: text(128).optional(),
    addressLineTwo: text(128).optional(),
    city: text(64).optional(),
    region: text(64).optional(),
    postalCode: text(32).optional(),
    country: countryCode.optional(),
  }, expecting("a contact: an object with firstName, lastName, email and phone"))
  .strict();

const organization = z
  .object({
    name: text(128),
    addressLineOne: text(128).optional(),
    addressLineTwo: text(128).optional(),
    city: text(64).optional(),
    region: text(64).optional(),
    postalCode: text(32).optional(),
    country: countryCode.optional(),
    phone: phoneInput.optional(),
  }, expecting("an organization: an object with at least a name"))
  .strict();

const csrSubject = z
  .object({
    c: countryCode.optional(),
    st: text(128).optional(),
    l: text(128).optional(),
    o: text(64).optional(),
    ou: text(64).optional(),
    preferredTrustChain: text(64).optional(),
  }, expecting("an object with the CSR's subject fields (c, st, l, o, ou)"))
  .strict();

const hostNameText = z.string(expecting("a host name such as www.example.com"));

const tlsVersion = z.enum(["TLSv1", "TLSv1_1", "TLSv1_2", "TLSv1_3"], { message: "must be one of TLSv1, TLSv1_1, TLSv1_2, TLSv1_3" });

export const enrollmentInputsSchema = withDeprecatedNames(
  z
  .object({
    contractId: z
      .string(expecting("text, a CPS contract id such as K-0N7RAK71", "is required: the CPS contract id, e.g. K-0N7RAK71"))
      .trim()
      .transform(cpsContractId)
      .pipe(z.string().regex(/^[A-Za-z0-9-]+$/, { message: "must be a contract id such as K-0N7RAK71 (the ctr_ prefix is optional)" })),
    validationType: z.enum(["dv", "ov", "ev", "third-party"]).default("dv"),
    certificateType: z.enum(["san", "single", "wildcard", "wildcard-san", "third-party"]).optional(),
    commonName: z.string(expecting("a host name such as www.example.com", "is required: the certificate's common name, e.g. www.example.com")).transform(normalizeHostname),
    sans: z.array(hostNameText, expecting('a list of host names, e.g. ["example.com", "api.example.com"]')).max(MAX_NAMES * 2).default([]),
    secureNetwork: z.enum(["standard-tls", "enhanced-tls"]).default("enhanced-tls"),
    sniOnly: z.boolean().default(true),
    geography: z.enum(["core", "china+core", "russia+core"]).default("core"),
    quicEnabled: z.boolean().default(false),
    mustHaveCiphers: text(64).default("ak-akamai-2020q1"),
    preferredCiphers: text(64).default("ak-akamai-2020q1"),
    disallowedTlsVersions: z.array(tlsVersion, expecting('a list of TLS versions, e.g. ["TLSv1", "TLSv1_1"]')).default([]),
    ocspStapling: z.enum(["on", "off", "not-set"]).default("on"),
    cloneDnsNames: z.boolean().default(true),
    dnsNames: z.array(hostNameText, expecting('a list of host names, e.g. ["www.example.com"]')).optional(),
    clientMutualAuthentication: z
      .object({ setId: text(64), sendCaListToClient: z.boolean().default(false), ocspEnabled: z.boolean().default(false) })
      .strict()
      .optional(),
    fipsMode: z.boolean().optional(),
    signatureAlgorithm: z.enum(["SHA-256", "SHA-1"]).optional(),
    dualStack: z.boolean().default(false),
    excludeSans: z.boolean().default(false),
    csr: csrSubject.default({}),
    organization: organization.optional(),
    orgId: z.number(expecting("a number, the id of an organization registered with the CA")).int().positive().optional(),
    adminContact: contact.optional(),
    techContact: contact.optional(),
    changeManagement: z.boolean().default(false),
    certificateChainType: z.enum(["default", "symantec1kroot"]).optional(),
    allowDuplicateCommonName: z.boolean().default(false),
    preVerificationWarnings: warningPolicyInput.default("fail"),
    cancelPendingChanges: z.boolean().default(false),
    deploymentSchedule: scheduleInput.optional(),
    allowDeleteWhileDeployed: z.boolean().default(false),
    adoptEnrollmentId: enrollmentIdInput.optional(),
    /** How long create/update wait for CPS to issue challenges or a CSR (was `waitTimeout`). */
    timeout: durationInput.default("30m"),
    deleteTimeout: durationInput.default("60m"),
  })
  .strict()
  .superRefine((v, ctx) => {
    const wildcardOk = v.certificateType === "wildcard" || v.certificateType === "wildcard-san" || v.validationType !== "dv";
    const cnProblem = hostnameProblem(v.commonName, { allowWildcard: wildcardOk });
    if (cnProblem) ctx.addIssue({ code: "custom", path: ["commonName"], message: cnProblem });
    if (v.commonName.length > MAX_CN_LENGTH)
      ctx.addIssue({ code: "custom", path: ["commonName"], message: `is ${v.commonName.length} characters long; a certificate's common name may have at most ${MAX_CN_LENGTH}` });
    const seen = new Map<string, number>();
    v.sans.forEach((san, i) => {
      const p = hostnameProblem(san, { allowWildcard: wildcardOk });
      if (p) ctx.addIssue({ code: "custom", path: ["sans", i], message: p });
      const n = normalizeHostname(san);
      const first = seen.get(n);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["sans", i], message: `"${san}" is listed twice (also at sans[${first}])` });
      else seen.set(n, i);
    });
    const names = new Set([v.commonName, ...v.sans.map(normalizeHostname)]);
    if (names.size > MAX_NAMES)
      ctx.addIssue({ code: "custom", path: ["sans"], message: `the certificate would have ${names.size} names (common name included); CPS allows at most ${MAX_NAMES}: split the names across enrollments` });
    v.dnsNames?.forEach((d, i) => {
      const p = hostnameProblem(d, { allowWildcard: true });
      if (p) ctx.addIssue({ code: "custom", path: ["dnsNames", i], message: p });
    });
    if (!v.cloneDnsNames && (!v.dnsNames || v.dnsNames.length === 0) && v.sniOnly)
      ctx.addIssue({ code: "custom", path: ["dnsNames"], message: "is required when cloneDnsNames is false: list the SNI names the edge should serve" });
    if (v.orgId === undefined) {
      if (!v.adminContact) ctx.addIssue({ code: "custom", path: ["adminContact"], message: "is required (or set orgId to use an organization registered with the CA)" });
      if (!v.techContact) ctx.addIssue({ code: "custom", path: ["techContact"], message: "is required (or set orgId to use an organization registered with the CA)" });
      if (!v.organization) ctx.addIssue({ code: "custom", path: ["organization"], message: "is required (or set orgId to use an organization registered with the CA)" });
    }
    if (v.validationType === "third-party" && v.certificateType && v.certificateType !== "third-party")
      ctx.addIssue({ code: "custom", path: ["certificateType"], message: 'must be "third-party" (or unset) when validationType is "third-party"' });
    if (v.validationType !== "third-party" && v.certificateType === "third-party")
      ctx.addIssue({ code: "custom", path: ["certificateType"], message: 'is "third-party" only for validationType "third-party"' });
    if (v.validationType === "dv" && v.dualStack)
      ctx.addIssue({ code: "custom", path: ["dualStack"], message: "dual-stack (RSA + ECDSA) certificates are available for third-party enrollments only" });
    if (v.validationType !== "third-party" && v.excludeSans)
      ctx.addIssue({ code: "custom", path: ["excludeSans"], message: "applies to third-party enrollments only" });
    if (v.validationType !== "dv" && v.csr.preferredTrustChain === undefined) {
      // fine: only DV may choose a Let's Encrypt chain
    } else if (v.validationType !== "dv" && v.csr.preferredTrustChain !== undefined) {
      ctx.addIssue({ code: "custom", path: ["csr", "preferredTrustChain"], message: "can be set for DV enrollments only" });
    }
    if (v.fipsMode && v.disallowedTlsVersions.some((t) => t === "TLSv1_2" || t === "TLSv1_3"))
      ctx.addIssue({ code: "custom", path: ["disallowedTlsVersions"], message: "must keep TLS 1.2 and 1.3 enabled when fipsMode is on" });
  }),
  // Deprecated spelling (issue #17): every other resource calls its wait bound `timeout`.
  { waitTimeout: "timeout" },
);

export type EnrollmentInputs = z.output<typeof enrollmentInputsSchema>;

/** CN first, then the other names sorted: the set of names the certificate covers. */
export function certificateNames(inputs: Pick<EnrollmentInputs, "commonName" | "sans">): string[] {
  const rest = [...new Set(inputs.sans.map(normalizeHostname))].filter((n) => n !== inputs.commonName).sort();
  return [inputs.commonName, ...rest];
}

export function effectiveCertificateType(inputs: EnrollmentInputs): "san" | "single" | "wildcard" | "wildcard-san" | "third-party" {
  if (inputs.certificateType) return inputs.certificateType;
  return inputs.validationType === "third-party" ? "third-party" : "san";
}

export function registrationAuthority(inputs: EnrollmentInputs): "lets-encrypt" | "symantec" | "third-party" {
  if (inputs.validationType === "dv") return "lets-encrypt";
  if (inputs.validationType === "third-party") return "third-party";
  return "symantec";
}
