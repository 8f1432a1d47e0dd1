/** DNS names as the zone store keeps them: lower case, no trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\.+$/, "").toLowerCase();
}

/** True when `name` is `zone` or below it. */
export function isInZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith("." + zone);
}
