/**
 * Credentials never leave the client in an error or a log line. A gateway or proxy may reflect the
 * request's `Authorization` header (`EG1-HMAC-SHA256 client_token=…;access_token=…;…;signature=…`,
 * https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid) in its error body, and that
 * body becomes the error message the CLI prints. So every error text and log line is passed through
 * `redact`: EdgeGrid fields by name, and any configured secret value wherever it appears.
 */

const REDACTED = "[redacted]";

/** Every secret value of every client created in this process (more redaction is harmless). */
const secrets = new Set<string>();

/** Register credential values to be scrubbed (the client does this as soon as it resolved them). */
export function registerSecrets(values: ReadonlyArray<string | undefined>): void {
  // Very short values would turn ordinary words into "[redacted]"; real tokens and secrets are long.
  for (const v of values) if (typeof v === "string" && v.length >= 8) secrets.add(v);
}

/** `client_token=…`, `access_token = …`, `client_secret: …`, `signature=…` (header, .edgerc, JSON or query style). */
const NAMED = /\b(client_token|access_token|client_secret|signature)("?\s*[=:]\s*"?)([^;\s"',&}]+)/gi;
/**
 * The whole EdgeGrid header value after the scheme, when it is echoed without field names (with
 * names, NAMED keeps `timestamp`/`nonce`, which help diagnose clock skew, and scrubs the rest).
 */
const EG1_HEADER = /(EG1-HMAC-SHA256\s+)(?![^\s"',}]*client_token=)[^\s"',}]+/g;

export function redact(text: string): string {
  let out = text.replace(NAMED, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  out = out.replace(EG1_HEADER, (_m, scheme: string) => `${scheme}${REDACTED}`);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** `redact` applied to every string inside a JSON-like value (problem bodies keep their shape). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
