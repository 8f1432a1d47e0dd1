import { CpsInputError } from "./errors";

/**
 * CPS returns resource locations, never bare ids, and their prefixes vary
 * (`/cps-api/enrollments/1`, `/cps/v2/enrollments/1`, `/cps/enrollments/1`), so only the trailing
 * integer is meaningful.
 */
export function parseTrailingId(location: string): number {
  const match = /(\d+)\/?(?:[?#].*)?$/.exec(location);
  if (match === null) {
    throw new CpsInputError("location", `no trailing numeric id in "${location}"`);
  }
  const id = Number(match[1]);
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new CpsInputError("location", `trailing id out of range in "${location}"`);
  }
  return id;
}

/** Enrollment and change ids from a change location such as `/cps/v2/enrollments/1/changes/2`. */
export function parseChangeLocation(location: string): { enrollmentId: number; changeId: number } {
  const match = /enrollments\/(\d+)\/changes\/(\d+)\/?(?:[?#].*)?$/.exec(location);
  if (match === null) {
    return { enrollmentId: Number.NaN, changeId: parseTrailingId(location) };
  }
  return { enrollmentId: Number(match[1]), changeId: Number(match[2]) };
}

/**
 * The contract id as CPS takes it. PAPI prefixes its ids with their type (`ctr_K-0N7RAK71`,
 * https://techdocs.akamai.com/property-mgr/reference/id-prefixes); CPS takes the bare id
 * (akamai-apis apis/cps/v2: `contractId=K-0N7RAK71`), so a prefixed one is stripped.
 */
export function cpsContractId(contractId: string): string {
  return contractId.replace(/^ctr_/, "");
}
