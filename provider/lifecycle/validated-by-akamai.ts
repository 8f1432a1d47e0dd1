/**
 * CPS's automated challenge completion (Akamai's secure provisioning seed documents): a name being
 * added to a certificate that is already CNAMEd to an edge hostname of that certificate is validated
 * by Akamai itself, without a token from the user. dv-challenges.v2 then shows the domain validated
 * while none of its challenges is `valid` — a name validated through a token the user published has
 * that challenge `valid`.
 */
import type { DvChallengesView } from "./challenges";

const VALIDATED = new Set(["VALIDATED", "VALID", "COMPLETED"]);

/** What a user reads about such a name (progress lines and docs). */
export const VALIDATED_BY_AKAMAI = "validated by Akamai: the name is CNAMEd to this certificate's edge hostname";

/** True when CPS reports the domain validated and no challenge of the user's was the one checked. */
export function isValidatedByAkamai(entry: DvChallengesView["dv"][number]): boolean {
  const validated = VALIDATED.has((entry.validationStatus ?? "").toUpperCase()) || VALIDATED.has((entry.status ?? "").toUpperCase());
  return validated && entry.challenges.length > 0 && !entry.challenges.some((c) => (c.status ?? "").toLowerCase() === "valid");
}

/** The names of a domainStatus map that Akamai validated itself, sorted. */
export function namesValidatedByAkamai(states: Record<string, { validatedByAkamai?: boolean }>): string[] {
  return Object.entries(states)
    .filter(([, s]) => s.validatedByAkamai === true)
    .map(([domain]) => domain)
    .sort();
}
