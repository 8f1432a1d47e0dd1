/**
 * `.edgerc` parsing (https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials). INI sections; `;`/`#` comment lines; values may be quoted;
 * an unquoted value may carry an inline comment after whitespace (as Akamai's Node library strips);
 * keys are lower-cased with `-` mapped to `_` (so `max-body` and `client-token` also work, as in
 * the Python library).
 */
export type EdgercSections = Map<string, Map<string, string>>;

export function parseEdgerc(text: string): EdgercSections {
  const sections: EdgercSections = new Map();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header !== null) {
      const name = header[1]!;
      current = sections.get(name) ?? new Map<string, string>();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0 || current === undefined) continue;
    const key = line.slice(0, eq).trim().toLowerCase().replace(/-/g, "_");
    current.set(key, unquote(line.slice(eq + 1).trim()));
  }
  return sections;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*?)\1\s*(?:[;#].*)?$/.exec(value);
  if (quoted !== null) return quoted[2]!;
  // Inline comment: only after whitespace, so base64 secrets are never cut.
  return value.replace(/\s+[;#].*$/, "").trim();
}
