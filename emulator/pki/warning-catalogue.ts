/**
 * The warning texts CPS sends, exactly: Akamai's templates (terraform-provider-akamai
 * `pkg/providers/cps/tools/cps_warnings.gen.go`, vendored with its source in `data/cps-warnings.json`,
 * which the provider's classifier reads too; neither side imports the other), filled with the real
 * values of the enrollment (domains, key algorithm, serials, dates, a trust-chain dump).
 */
import { z } from "zod";
import catalogueJson from "../../data/cps-warnings.json";

const catalogue = z.object({ warnings: z.array(z.object({ id: z.string(), template: z.string() })) }).parse(catalogueJson);
const TEMPLATES = new Map(catalogue.warnings.map((w) => [w.id, w.template]));

/** The IDs the emulator can detect and emits (each must be one of Akamai's 114). */
export const EMITTED_WARNINGS = [
  "CERTIFICATE_EXPIRATION_DATE_BEYOND_MAX_DAYS",
  "CERTIFICATE_EXPIRATION_DATE_IN_NEAR_FUTURE",
  "CERTIFICATE_EXPIRED",
  "CERTIFICATE_HAS_NULL_ISSUER",
  "CERTIFICATE_HAS_NULL_SERIAL_NUMBER",
  "CERTIFICATE_MISSING_CN_FROM_SAN_LIST",
  "CERTIFICATE_NOT_PEM_FORMAT",
  "CERTIFICATE_NOT_YET_VALID",
  "CERTIFICATE_NULL_OR_EMPTY",
  "CERTIFICATE_PARSING_ERROR",
  "CERTIFICATE_SELF_SIGNED",
  "CERTIFICATE_SIGNATURE_MISMATCH",
  "CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK",
  "CSR_PARSING_ERROR",
  "CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_CN_CASE_MISMATCH",
  "CSR_VS_CERTIFICATE_CN_MISMATCH",
  "CSR_VS_CERTIFICATE_CN_MISSING",
  "CSR_VS_CERTIFICATE_C_FIELD_ADDITIONAL_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_C_FIELD_MISMATCH",
  "CSR_VS_CERTIFICATE_C_FIELD_MISSING_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_KEY_MISMATCH",
  "CSR_VS_CERTIFICATE_L_FIELD_ADDITIONAL_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_L_FIELD_MISMATCH",
  "CSR_VS_CERTIFICATE_L_FIELD_MISSING_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_MISSING_SAN_FROM_SAN_LIST_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_OU_FIELD_ADDITIONAL_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_OU_FIELD_MISMATCH",
  "CSR_VS_CERTIFICATE_OU_FIELD_MISSING_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_O_FIELD_ADDITIONAL_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_O_FIELD_MISMATCH",
  "CSR_VS_CERTIFICATE_O_FIELD_MISSING_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_SAN_CASE_MISMATCH",
  "CSR_VS_CERTIFICATE_ST_FIELD_ADDITIONAL_IN_CERTIFICATE",
  "CSR_VS_CERTIFICATE_ST_FIELD_MISMATCH",
  "CSR_VS_CERTIFICATE_ST_FIELD_MISSING_IN_CERTIFICATE",
  "END_ENTITY_CERT_IN_TRUST_CHAIN",
  "OVERLAPPING_TRAFFIC_CLASS",
  "SANS_REMOVED_REQUIRE_ACKNOWLEDGEMENT",
  "SNI_DNS_OVERLAP",
  "TRUST_CHAIN_EMPTY_AND_CERTIFICATE_SIGNED_BY_NON_STANDARD_ROOT",
  "TRUST_CHAIN_EXPIRED_BEFORE_EE",
  "TRUST_CHAIN_EXPIRED_OR_NOT_YET_VALID",
  "TRUST_CHAIN_INCLUDES_STANDARD_ROOT_CERTIFICATE",
  "TRUST_CHAIN_PARSING_ERROR",
  "TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED",
  "TRUST_CHAIN_VERIFY_FAILED",
  "UNSORTED_TRUST_CHAIN",
] as const;

export type WarningCode = (typeof EMITTED_WARNINGS)[number];

for (const id of EMITTED_WARNINGS) if (!TEMPLATES.has(id)) throw new Error(`${id} is not one of Akamai's warning IDs (data/cps-warnings.json)`);

export interface CertificateWarning {
  code: WarningCode;
  /** The template filled with the real values: what CPS returns. */
  message: string;
}

/** Akamai's template for `code` with every `<name>` replaced by `values[name]` (a missing value is a bug here). */
export function warning(code: WarningCode, values: Readonly<Record<string, string>> = {}): CertificateWarning {
  const template = TEMPLATES.get(code) as string;
  const message = template.replace(/<([A-Za-z0-9]+)>/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`warning ${code} needs a value for <${name}>`);
    return value;
  });
  return { code, message };
}

/**
 * The `warnings.v1` string: the warnings one after another, each on its own line(s), after the
 * `[WARNINGS]` header of Akamai's post-verification example
 * (apis/cps/v2/examples/warnings.v1-3p-post-verification.json); a multi-line warning stays whole.
 */
export function formatWarnings(warnings: readonly Pick<CertificateWarning, "message">[]): string {
  return ["[WARNINGS]", ...new Set(warnings.map((w) => w.message))].join("\n");
}
