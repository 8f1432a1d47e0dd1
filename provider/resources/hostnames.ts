/** Hostname rules CPS and the CAs apply to certificate names, checked before any API call. */

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-case, trim, and drop a trailing dot: CPS compares names case-insensitively. */
export function normalizeHostname(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith(".") ? n.slice(0, -1) : n;
}

/** Why `name` is not a valid certificate hostname, or undefined when it is. */
export function hostnameProblem(name: string, opts: { allowWildcard: boolean }): string | undefined {
  const n = normalizeHostname(name);
  if (n.length === 0) return "is empty";
  if (n.length > 253) return `is ${n.length} characters long (at most 253)`;
  if (/[^a-z0-9.*-]/.test(n)) return `"${name}" contains characters not allowed in a hostname (letters, digits, '-' and '.' only; use punycode for IDNs)`;
  const labels = n.split(".");
  if (labels.length < 2) return `"${name}" is not a fully qualified domain name`;
  for (const [i, label] of labels.entries()) {
    if (label === "*" && i === 0) {
      if (!opts.allowWildcard) return `"${name}" is a wildcard, which this certificate type does not allow: set certificateType: "wildcard-san" (or "wildcard" for one wildcard name) on the Enrollment`;
      continue;
    }
    if (!LABEL.test(label)) return `"${name}" has an invalid label "${label}" (1-63 letters, digits or '-', not starting or ending with '-')`;
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return `"${name}" looks like an IP address; certificates here need DNS names`;
  return undefined;
}
