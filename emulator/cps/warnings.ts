import { WARNING_TEMPLATES } from "../pki/warning-catalogue";

/**
 * Warning texts, worded exactly like the templates the Terraform provider matches
 * (https://github.com/akamai/terraform-provider-akamai/blob/HEAD/pkg/providers/cps/cps_warnings.gen.go), so that
 * tools which auto-approve by warning ID recognise what the emulator says.
 */
export const WARNING_TEXT = {
  // every check of an uploaded certificate against its CSR (emulator/pki/compare.ts)
  ...WARNING_TEMPLATES,
  SNI_DNS_OVERLAP: "A DNS Name is overlapping a DNS name of one or more enrollments.",
  OVERLAPPING_TRAFFIC_CLASS:
    "Some of the domains being provisioned exist on another certificate. Akamai recommends against overlapping names on Enhanced TLS and Standard TLS certificates except during digital property migrations. Enhanced TLS traffic could be misdirected in the event of DNS misconfiguration and treated as Standard TLS until the overlap is eliminated.",
  CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK: "A SAN name that was removed from certificate is still live on the network.",
  CSR_VS_CERTIFICATE_KEY_MISMATCH: "This certificate was not generated from the CSR that Akamai generated.",
  CSR_VS_CERTIFICATE_CN_MISMATCH: "The Common Name (CN) on this certificate does not match the CSR.",
  CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE: "A SAN name is missing from the certificate.",
  CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE: "A SAN name was added to the certificate.",
  CERTIFICATE_EXPIRED: "This certificate has already expired.",
  CERTIFICATE_NOT_YET_VALID: "The certificate is not yet valid.",
  CERTIFICATE_PARSING_ERROR: "Error parsing certificate.",
  CERTIFICATE_NOT_PEM_FORMAT:
    "This certificate format is not supported. The supported format for certificates and trust chains is PEM (base64).",
  CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS:
    "The certificate has a validity period of greater than 397 days. This certificate will not be accepted by all major browsers for SSL/TLS connections. Please work with your Certificate Authority to reissue the certificate with an acceptable lifetime.",
  CERTIFICATE_SELF_SIGNED: "The Issuer and Subject of the end-entity certificate are identical. This is not allowed.",
} as const;

export type WarningId = keyof typeof WARNING_TEXT;

/** `warnings.v1` carries one string; CPS separates the warnings with newlines. */
export function warningsText(ids: WarningId[]): string {
  return ids.map((id) => WARNING_TEXT[id]).join("\n");
}
