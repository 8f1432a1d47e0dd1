/**
 * CPS returns pre- and post-verification warnings as free text (`warnings.v1`: one string, one warning
 * per line, sometimes prefixed with "[WARNINGS]"). Users need stable IDs to write a policy such as
 * "acknowledge OVERLAPPING_TRAFFIC_CLASS, fail on anything else". This catalogue maps the texts CPS
 * emits (the same wire texts Terraform's provider matches) to those IDs. Text we do not recognise
 * gets an `UNKNOWN_<hash>` ID derived from the text, so it fails safe and can still be allow-listed.
 */
import { createHash } from "crypto";

/** Known warning IDs and the text CPS sends for them; `<...>` marks a variable part. */
const CATALOGUE: ReadonlyArray<readonly [id: string, template: string]> = [
  ["CERTIFICATE_ADDED_TO_TRUST_CHAIN", "A certificate was added to the new trust chain."],
  ["CERTIFICATE_ALREADY_LOADED", "There is a problem deploying the certificate.  Please contact your Akamai support team to resolve the issue."],
  ["CERTIFICATE_DATA_BLANK_OR_MISSING", "Certificate data is blank or missing."],
  ["CERTIFICATE_DATA_EXCEEDS_MAXIMUM", "Number of entries in certificate exceeds the maximum allowed."],
  ["CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS", "The certificate has a validity period of greater than 397 days.<rest>"],
  ["CERTIFICATE_EXPIRATION_DATE_BEYOND_RANGE", "This certificate is set to expire in more than 3 years.<rest>"],
  ["CERTIFICATE_EXPIRATION_DATE_IN_NEAR_FUTURE", "This certificate will expire in the near future."],
  ["CERTIFICATE_EXPIRATION_DATE_TOO_LATE", "This certificate expiration date is longer than expected."],
  ["CERTIFICATE_EXPIRATION_TOO_SHORT", "This certificate has a short lifetime and will expire soon."],
  ["CERTIFICATE_EXPIRED", "This certificate has already expired."],
  ["CERTIFICATE_HAS_NULL_ISSUER", "Certificate has a null issuer"],
  ["CERTIFICATE_HAS_NULL_SERIAL_NUMBER", "Certificate has a null serial number"],
  ["CERTIFICATE_MISSING_CN_FROM_SAN_LIST", "The Common Name (CN) is missing from the SAN list."],
  ["CERTIFICATE_MISSING_IN_TRUST_CHAIN", "A certificate is missing from the new trust chain"],
  ["CERTIFICATE_NOT_PEM_FORMAT", "This certificate format is not supported.<rest>"],
  ["CERTIFICATE_NOT_YET_VALID", "The certificate is not yet valid."],
  ["CERTIFICATE_NULL_OR_EMPTY", "Null or empty certificate."],
  ["CERTIFICATE_PARSING_ERROR", "Error parsing certificate."],
  ["CERTIFICATE_SELF_SIGNED", "The Issuer and Subject of the end-entity certificate are identical. This is not allowed."],
  ["CERTIFICATE_SIGNATURE_MISMATCH", "Certificate signed with add different signature algorithm than requested."],
  ["CERTIFICATE_TRUST_CHAIN_MISSING", "Certificate and/or Trust Chain data is missing."],
  ["CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK", "A SAN name that was removed from certificate is still live on the network."],
  ["CROSS_SIGNED_ROOT_IN_TRUST_CHAIN", "Crossed signed roots were found in the trust chain."],
  ["CSR_EXPIRED", "The key for this certificate has expired.<rest>"],
  ["CSR_PARSING_ERROR", "Error parsing CSR."],
  ["CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE", "A SAN name was added to the certificate."],
  ["CSR_VS_CERTIFICATE_BOTH_SUBJECT_FIELDS_ARE_NULL_OR_EMPTY", "Both expected and found values are empty.<rest>"],
  ["CSR_VS_CERTIFICATE_CN_CASE_MISMATCH", "The case of the Common Name (CN) on the certificate does not match the CN on the CSR."],
  ["CSR_VS_CERTIFICATE_CN_MISMATCH", "The Common Name (CN) on this certificate does not match the CSR."],
  ["CSR_VS_CERTIFICATE_CN_MISSING", "The Common Names (CN) for both certificate and CSR must be non-null and non-empty."],
  ["CSR_VS_CERTIFICATE_C_FIELD_ADDITIONAL_IN_CERTIFICATE", "The value for C is missing in the CSR, but is present in the certificate"],
  ["CSR_VS_CERTIFICATE_C_FIELD_MISMATCH", "Value for C differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_C_FIELD_MISSING_IN_CERTIFICATE", "The value for C is present in the CSR, but missing in the certificate."],
  ["CSR_VS_CERTIFICATE_KEY_MISMATCH", "This certificate was not generated from the CSR that Akamai generated."],
  ["CSR_VS_CERTIFICATE_L_FIELD_ADDITIONAL_IN_CERTIFICATE", "The value for L is missing in the CSR, but is present in the certificate."],
  ["CSR_VS_CERTIFICATE_L_FIELD_MISMATCH", "Value for L differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_L_FIELD_MISSING_IN_CERTIFICATE", "Value for L is missing in the certificate."],
  ["CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE", "A SAN name is missing from the certificate."],
  ["CSR_VS_CERTIFICATE_OU_FIELD_ADDITIONAL_IN_CERTIFICATE", "The value for OU is missing in the CSR, but is present in the certificate."],
  ["CSR_VS_CERTIFICATE_OU_FIELD_MISMATCH", "The value for OU differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_OU_FIELD_MISSING_IN_CERTIFICATE", "The value for OU is missing from the certificate."],
  ["CSR_VS_CERTIFICATE_O_FIELD_ADDITIONAL_IN_CERTIFICATE", "The value for O is missing from the CSR, but is present in the certificate."],
  ["CSR_VS_CERTIFICATE_O_FIELD_MISMATCH", "The value for O differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_O_FIELD_MISSING_IN_CERTIFICATE", "The value for O is missing in the certificate."],
  ["CSR_VS_CERTIFICATE_SAN_CASE_MISMATCH", "A SAN name differs in case on the certificate."],
  ["CSR_VS_CERTIFICATE_ST_FIELD_ADDITIONAL_IN_CERTIFICATE", "The value for ST is missing in the CSR but is present in the certificate."],
  ["CSR_VS_CERTIFICATE_ST_FIELD_MISMATCH", "Value for ST differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_ST_FIELD_MISSING_IN_CERTIFICATE", "The value for ST is missing in the certificate."],
  ["CSR_VS_CERTIFICATE_SUBJECT_FIELD_CASE_MISMATCH", "A subject field differs in case between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_SUBJECT_FIELD_MISMATCH", "A subject field differs between the CSR and the certificate."],
  ["CSR_VS_CERTIFICATE_SUBJECT_FIELD_MISMATCH_MISSING_IN_CERTIFICATE", "A subject field is missing from the certificate."],
  ["CSR_VS_CERTIFICATE_SUBJECT_FIELD_MISMATCH_MISSING_IN_CSR", "A subject field is missing in the CSR, but is present in the certificate."],
  ["DNS_NAME_ISSUER_FORBIDDEN_CAA_RECORD", "DNS name forbids CA issuer in CAA record."],
  ["DNS_NAME_ISSUER_NOT_IN_CAA_RECORD", "DNS name <dnsName> allows CA issuers <caaIssuers>. Configured issuers are <issuers>"],
  ["DNS_NAME_IS_NO_LONGER_CONTAINED", "A DNS name is no longer contained; it will be dropped."],
  ["DNS_NAME_LONGER_THEN_255_CHARS", "DNS name is longer than 255 characters."],
  ["DNS_NAME_NOT_CNAMED", "DNS name not CNAMEd for auto validation."],
  ["DNS_NAME_NOT_CONTAINED", "DNS name <dnsName> is not contained."],
  ["DNS_NAME_NULL_OR_EMPTY", "DNS name is either null or empty."],
  ["DOMAIN_NAME_INVALID", "Domain name is invalid."],
  ["END_ENTITY_CERT_IN_TRUST_CHAIN", "The end-entity certificate appears in the trust chain.<rest>"],
  ["EXTRA_CERT_IN_TRUST_CHAIN", "Extra certificates were found in the chain and are being removed."],
  ["INVALID_CERTIFICATE", "There is a problem processing the certificate.<rest>"],
  ["INVALID_CSR", "There is a problem processing the CSR.<rest>"],
  ["MULTIPLE_TRUST_CHAINS", "There are multiple trust chains."],
  ["NAMED_TRUST_CHAIN_MISMATCH", "Trust-chain does not match the trust-chain that was requested."],
  ["NAME_CONSTRAINTS_CN_MISSING", "Name constraints not validated for certificates without a CN."],
  ["NAME_CONSTRAINTS_VIOLATION", "The certificate chain violates at least one name constraint."],
  ["OVERLAPPING_TRAFFIC_CLASS", "Some of the domains being provisioned exist on another certificate.<rest>"],
  ["SNI_DNS_OVERLAP", "A DNS Name is overlapping a DNS name of one or more enrollments."],
  ["TRUST_CHAIN_DOES_NOT_INCLUDE_TRUSTED_CERTIFICATE", "The trust chain for this certificate does not match the expected trust chain for this type of certificate."],
  ["TRUST_CHAIN_EMPTY_AND_CERTIFICATE_SIGNED_BY_NON_STANDARD_ROOT", "The trust chain is empty and the end-entity certificate may have been signed by a non-standard root certificate."],
  ["TRUST_CHAIN_EXPIRED", "A certificate in the trust chain is expired."],
  ["TRUST_CHAIN_EXPIRED_BEFORE_EE", "A certificate in the trust chain expires before the end-entity."],
  ["TRUST_CHAIN_INCLUDES_STANDARD_ROOT_CERTIFICATE", "The trust chain includes a standard root certificate.<rest>"],
  ["TRUST_CHAIN_INVALID", "This certificate trust chain is invalid because no trust chain was found."],
  ["TRUST_CHAIN_NOT_PEM_FORMAT", "This trust chain format is not supported.<rest>"],
  ["TRUST_CHAIN_NOT_YET_VALID", "A trust chain certificate is not yet valid."],
  ["TRUST_CHAIN_NULL_OR_EMPTY", "Trust chain is empty."],
  ["TRUST_CHAIN_NULL_OR_EMPTY_DETAILED", "The certificate trust chain is invalid or empty."],
  ["TRUST_CHAIN_PARSING_ERROR", "Failed to parse trust chain."],
  ["TRUST_CHAIN_PARSING_ERROR_DETAILED", "Unable to parse certificate trust chain."],
  ["TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE", "The trust chain terminates with a non-standard root certificate."],
  ["TRUST_CHAIN_VERIFY_FAILED", "One of the trust chain certificates or the end-entity failed to verify."],
  ["UNEXPECTED_TRUST_CHAIN", "Unexpected trust chain for this certificate."],
  ["UNSORTED_TRUST_CHAIN", "The trust chain was unsorted, so it has been cleaned up."],
  ["VALIDATION_EXCEPTION", "Validation error."],
];

function templateToRegExp(template: string): RegExp {
  const parts = template.split(/<[a-zA-Z]+>/);
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // Texts sometimes carry a trailing period or specifics after the template: match the template as a prefix.
  return new RegExp("^" + escaped.join("[\\s\\S]*").replace(/\\\.$/, "") + "\\.?(\\s[\\s\\S]*)?$", "i");
}

const MATCHERS = CATALOGUE.map(([id, template]) => ({ id, re: templateToRegExp(template) }));

/** Every warning ID this package recognises (for documentation and input validation hints). */
export const KNOWN_WARNING_IDS: readonly string[] = CATALOGUE.map(([id]) => id);

export interface ClassifiedWarning {
  /** Stable ID: a catalogue ID, or `UNKNOWN_<8 hex>` derived from the text. */
  id: string;
  /** The text CPS sent, verbatim. */
  message: string;
  known: boolean;
}

/** Split a `warnings.v1` text into single warnings and give each its ID. */
export function classifyWarnings(text: string | null | undefined): ClassifiedWarning[] {
  if (!text) return [];
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(\[WARNINGS\]|\[WARNING\])\s*/i, "").replace(/^\s*[-*•]\s*/, "").trim())
    .filter((l) => l.length > 0);
  return lines.map((message) => {
    const hit = MATCHERS.find((m) => m.re.test(message));
    if (hit) return { id: hit.id, message, known: true };
    const hash = createHash("sha256").update(message).digest("hex").slice(0, 8).toUpperCase();
    return { id: `UNKNOWN_${hash}`, message, known: false };
  });
}

/**
 * How a resource treats warnings: `"acknowledge-all"`, `"fail"` (acknowledge nothing), or a list of
 * warning IDs that may be acknowledged (anything else fails the update with the text shown).
 */
export type WarningPolicy = "acknowledge-all" | "fail" | readonly string[];

export interface WarningDecision {
  acknowledge: boolean;
  warnings: ClassifiedWarning[];
  /** Warnings the policy does not allow (empty when acknowledge is true). */
  refused: ClassifiedWarning[];
}

export function decideWarnings(text: string | null | undefined, policy: WarningPolicy): WarningDecision {
  const warnings = classifyWarnings(text);
  if (policy === "acknowledge-all") return { acknowledge: true, warnings, refused: [] };
  const allowed = new Set(policy === "fail" ? [] : policy.map((id) => id.toUpperCase()));
  const refused = warnings.filter((w) => !allowed.has(w.id.toUpperCase()));
  return { acknowledge: refused.length === 0, warnings, refused };
}

/** One line per warning, `ID: text`, for error messages. */
export function describeWarnings(warnings: readonly ClassifiedWarning[]): string {
  return warnings.map((w) => `  - ${w.id}: ${w.message}`).join("\n");
}
