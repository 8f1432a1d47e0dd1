/**
 * During preview the engine passes not-yet-known values (outputs of resources still to be created)
 * as a sentinel string. Checks must not fail on them, and diffs must treat them as "will change".
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Copy of `value` with unknowns removed, and the property paths where they were. */
export function stripUnknowns(value: unknown, path = ""): { value: unknown; unknownPaths: string[] } {
  if (value === UNKNOWN) return { value: undefined, unknownPaths: [path] };
  if (Array.isArray(value)) {
    const paths: string[] = [];
    const out = value.map((v, i) => {
      const r = stripUnknowns(v, `${path}[${i}]`);
      paths.push(...r.unknownPaths);
      return r.value;
    });
    return { value: out, unknownPaths: paths };
  }
  if (value !== null && typeof value === "object") {
    const paths: string[] = [];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = stripUnknowns(v, path ? `${path}.${k}` : k);
      paths.push(...r.unknownPaths);
      if (r.value !== undefined) out[k] = r.value;
    }
    return { value: out, unknownPaths: paths };
  }
  return { value, unknownPaths: [] };
}

export function hasUnknowns(value: unknown): boolean {
  return stripUnknowns(value).unknownPaths.length > 0;
}

/** Whether a failure at `property` is explained by an unknown value at or above it (or below it, for arrays). */
export function coveredByUnknown(property: string, unknownPaths: readonly string[]): boolean {
  return unknownPaths.some((u) => property === u || property.startsWith(u + ".") || property.startsWith(u + "[") || u.startsWith(property + "[") || u.startsWith(property + "."));
}
