/**
 * Post-verification warning texts, worded exactly like the templates the Terraform provider matches
 * (`cps_warnings.gen.go`), so users of that tooling can auto-approve them by ID. Only the subset the
 * emulator can actually detect is listed.
 */
export const WARNING_TEMPLATES = {
  CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS:
    "The certificate has a validity period of greater than 397 days. This certificate will not be accepted by all major browsers for SSL/TLS connections. Please work with your Certificate Authority to reissue the certificate with an acceptable lifetime.",
  CERTIFICATE_EXPIRATION_DATE_IN_NEAR_FUTURE: "This certificate will expire in the near future.",
  CERTIFICATE_EXPIRED: "This certificate has already expired.",
  CERTIFICATE_HAS_NULL_ISSUER: "Certificate has a null issuer",
  CERTIFICATE_HAS_NULL_SERIAL_NUMBER: "Certificate has a null serial number",
  CERTIFICATE_MISSING_CN_FROM_SAN_LIST: "The Common Name (CN) is missing from the SAN list.",
  CERTIFICATE_NOT_PEM_FORMAT: "This certificate format is not supported. The supported format for certificates and trust chains is PEM (base64).",
  CERTIFICATE_NOT_YET_VALID: "The certificate is not yet valid.",
  CERTIFICATE_NULL_OR_EMPTY: "Null or empty certificate.",
  CERTIFICATE_PARSING_ERROR: "Error parsing certificate.",
  CERTIFICATE_SELF_SIGNED: "The Issuer and Subject of the end-entity certificate are identical. This is not allowed.",
  CERTIFICATE_SIGNATURE_MISMATCH: "Certificate signed with add different signature algorithm than requested.",
  CSR_PARSING_ERROR: "Error parsing CSR.",
  CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE: "A SAN name was added to the certificate.",
  CSR_VS_CERTIFICATE_CN_CASE_MISMATCH: "The case of the Common Name (CN) on the certificate does not match the CN on the CSR.",
  CSR_VS_CERTIFICATE_CN_MISMATCH: "The Common Name (CN) on this certificate does not match the CSR.",
  CSR_VS_CERTIFICATE_CN_MISSING: "The Common Names (CN) for both certificate and CSR must be non-null and non-empty.",
  CSR_VS_CERTIFICATE_C_FIELD_ADDITIONAL_IN_CERTIFICATE: "The value for C is missing in the CSR, but is present in the certificate",
  CSR_VS_CERTIFICATE_C_FIELD_MISMATCH: "Value for C differs between the CSR and the certificate.",
  CSR_VS_CERTIFICATE_C_FIELD_MISSING_IN_CERTIFICATE: "The value for C is present in the CSR, but missing in the certificate.",
  CSR_VS_CERTIFICATE_KEY_MISMATCH: "This certificate was not generated from the CSR that Akamai generated.",
  CSR_VS_CERTIFICATE_L_FIELD_ADDITIONAL_IN_CERTIFICATE: "The value for L is missing in the CSR, but is present in the certificate.",
  CSR_VS_CERTIFICATE_L_FIELD_MISMATCH: "Value for L differs between the CSR and the certificate.",
  CSR_VS_CERTIFICATE_L_FIELD_MISSING_IN_CERTIFICATE: "Value for L is missing in the certificate.",
  CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE: "A SAN name is missing from the certificate.",
  CSR_VS_CERTIFICATE_OU_FIELD_ADDITIONAL_IN_CERTIFICATE: "The value for OU is missing in the CSR, but is present in the certificate.",
  CSR_VS_CERTIFICATE_OU_FIELD_MISMATCH: "The value for OU differs between the CSR and the certificate.",
  CSR_VS_CERTIFICATE_OU_FIELD_MISSING_IN_CERTIFICATE: "The value for OU is missing from the certificate.",
  CSR_VS_CERTIFICATE_O_FIELD_ADDITIONAL_IN_CERTIFICATE: "The value for O is missing from the CSR, but is present in the certificate.",
  CSR_VS_CERTIFICATE_O_FIELD_MISMATCH: "The value for O differs between the CSR and the certificate.",
  CSR_VS_CERTIFICATE_O_FIELD_MISSING_IN_CERTIFICATE: "The value for O is missing in the certificate.",
  CSR_VS_CERTIFICATE_SAN_CASE_MISMATCH: "A SAN name differs in case on the certificate.",
  CSR_VS_CERTIFICATE_ST_FIELD_ADDITIONAL_IN_CERTIFICATE: "The value for ST is missing in the CSR but is present in the certificate.",
  CSR_VS_CERTIFICATE_ST_FIELD_MISMATCH: "Value for ST differs between the CSR and the certificate.",
  CSR_VS_CERTIFICATE_ST_FIELD_MISSING_IN_CERTIFICATE: "The value for ST is missing in the certificate.",
  END_ENTITY_CERT_IN_TRUST_CHAIN: "The end-entity certificate appears in the trust chain. This is not allowed. It is being automatically removed from the trust chain.",
  TRUST_CHAIN_EMPTY_AND_CERTIFICATE_SIGNED_BY_NON_STANDARD_ROOT: "The trust chain is empty and the end-entity certificate may have been signed by a non-standard root certificate.",
  TRUST_CHAIN_EXPIRED: "A certificate in the trust chain is expired.",
  TRUST_CHAIN_EXPIRED_BEFORE_EE: "A certificate in the trust chain expires before the end-entity.",
  TRUST_CHAIN_INCLUDES_STANDARD_ROOT_CERTIFICATE: "The trust chain includes a standard root certificate. This is not a typical practice.",
  TRUST_CHAIN_NOT_YET_VALID: "A trust chain certificate is not yet valid.",
  TRUST_CHAIN_PARSING_ERROR: "Failed to parse trust chain.",
  TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE: "The trust chain terminates with a non-standard root certificate.",
  TRUST_CHAIN_VERIFY_FAILED: "One of the trust chain certificates or the end-entity failed to verify.",
  UNSORTED_TRUST_CHAIN: "The trust chain was unsorted, so it has been cleaned up.",
} as const;

export type WarningCode = keyof typeof WARNING_TEMPLATES;

export interface CertificateWarning {
  code: WarningCode;
  /** The template text, exactly (what CPS returns and tools match). */
  message: string;
  /** Emulator-only specifics (which SAN, which dates), for logs and the admin API. */
  detail?: string;
}

export function warning(code: WarningCode, detail?: string): CertificateWarning {
  return detail === undefined ? { code, message: WARNING_TEMPLATES[code] } : { code, message: WARNING_TEMPLATES[code], detail };
}

/**
 * The `warnings.v1` string: one template text per line after a `[WARNINGS]` header, like the
 * post-verification example; duplicates collapsed. `withDetails` appends the specifics in brackets.
 */
export function formatWarnings(warnings: CertificateWarning[], options: { withDetails?: boolean } = {}): string {
  const lines = warnings.map((entry) => (options.withDetails && entry.detail ? `${entry.message} [${entry.detail}]` : entry.message));
  return ["[WARNINGS]", ...new Set(lines)].join("\n");
}
