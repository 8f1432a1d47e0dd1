/**
 * Warnings that are the direct, expected consequence of the user's own declared change, so that the
 * default `"fail"` policy does not stop the change the user asked for. One rule, kept narrow:
 *
 * - Removing names from the certificate while they are still live on the network makes CPS warn
 *   that the removed SANs are live (CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK,
 *   SANS_REMOVED_REQUIRE_ACKNOWLEDGEMENT; the wire texts of Terraform's
 *   pkg/providers/cps/cps_warnings.gen.go in akamai/terraform-provider-akamai). Such a warning is
 *   expected when the names were removed from the enrollment (the live certificate names them, the
 *   declared names do not) and every host name its text names is one of those.
 *
 * Every other warning, and a SAN-removal warning naming a host the user did not remove, still goes
 * through the resource's policy and fails safe.
 */
import type { ClassifiedWarning } from "./warnings";

export const SAN_REMOVAL_WARNING_IDS: readonly string[] = ["CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK", "SANS_REMOVED_REQUIRE_ACKNOWLEDGEMENT"];

export interface ExpectedWarnings {
  ids: readonly string[];
  /** The names the user's change removed, lower case. */
  removedNames: readonly string[];
}

/** The expectation for a change from `liveNames` (on the network) to `declaredNames` (the enrollment). */
export function sanRemovalExpectation(liveNames: readonly string[], declaredNames: readonly string[]): ExpectedWarnings | undefined {
  const declared = new Set(declaredNames.map((n) => n.toLowerCase()));
  const removedNames = [...new Set(liveNames.map((n) => n.toLowerCase()))].filter((n) => !declared.has(n)).sort();
  return removedNames.length > 0 ? { ids: SAN_REMOVAL_WARNING_IDS, removedNames } : undefined;
}

const HOST_NAME = /(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]/gi;

export function isExpectedWarning(warning: ClassifiedWarning, expected: ExpectedWarnings | undefined): boolean {
  if (!expected || !expected.ids.includes(warning.id)) return false;
  const named = (warning.message.match(HOST_NAME) ?? []).map((n) => n.toLowerCase());
  return named.every((n) => expected.removedNames.includes(n));
}
