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
