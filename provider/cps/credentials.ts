import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CpsConfigError } from "./errors";
import { parseEdgerc } from "./edgerc";

/** A resolved EdgeGrid credential set. Never log or serialise this object. */
export interface EdgeGridCredentials {
  /** Host without scheme, possibly with `:port` (the emulator). */
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
  accountKey?: string;
  /** POST bodies are hashed up to this many bytes (EdgeGrid default 131072). */
  maxBody: number;
  headersToSign: string[];
  /** Where the credentials came from, for diagnostics (no values). */
  source: string;
}

export interface CredentialOptions {
  host?: string;
  clientToken?: string;
  clientSecret?: string;
  accessToken?: string;
  accountKey?: string;
  edgercPath?: string;
  section?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MAX_BODY = 131072;
const REQUIRED = ["host", "clientToken", "clientSecret", "accessToken"] as const;
type RequiredKey = (typeof REQUIRED)[number];
const EDGERC_KEY: Record<RequiredKey, string> = {
  host: "host",
  clientToken: "client_token",
  clientSecret: "client_secret",
  accessToken: "access_token",
};
const ENV_SUFFIX: Record<RequiredKey, string> = {
  host: "HOST",
  clientToken: "CLIENT_TOKEN",
  clientSecret: "CLIENT_SECRET",
  accessToken: "ACCESS_TOKEN",
};

type Partial4 = Partial<Record<RequiredKey, string>>;

/**
 * Resolve credentials: explicit options (any subset, field by field) → a complete set of
 * `AKAMAI_<SECTION>_*` (non-default section) or `AKAMAI_*` (default section) environment
 * variables → the `.edgerc` section. Throws CpsConfigError naming every missing item.
 */
export function resolveCredentials(options: CredentialOptions = {}): EdgeGridCredentials {
  const env = options.env ?? process.env;
  const section = options.section ?? "default";
  const envPrefix = section === "default" ? "AKAMAI_" : `AKAMAI_${section.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_`;
  const explicit: Partial4 = pickDefined({
    host: options.host,
    clientToken: options.clientToken,
    clientSecret: options.clientSecret,
    accessToken: options.accessToken,
  });

  const fromEnv: Partial4 = pickDefined({
    host: env[`${envPrefix}HOST`],
    clientToken: env[`${envPrefix}CLIENT_TOKEN`],
    clientSecret: env[`${envPrefix}CLIENT_SECRET`],
    accessToken: env[`${envPrefix}ACCESS_TOKEN`],
  });
  const envComplete = REQUIRED.every((key) => fromEnv[key] !== undefined);
  const explicitComplete = REQUIRED.every((key) => explicit[key] !== undefined);

  let lower: Partial4 = {};
  let lowerSource = "";
  let edgercExtras: Map<string, string> | undefined;
  let edgercProblem = "";
  const edgercPath = expandHome(options.edgercPath ?? "~/.edgerc");
  if (!explicitComplete && envComplete) {
    lower = fromEnv;
    lowerSource = `environment ${envPrefix}*`;
  } else if (!explicitComplete) {
    const loaded = loadEdgercSection(edgercPath, section);
    if (loaded.values !== undefined) {
      edgercExtras = loaded.values;
      lower = pickDefined({
        host: loaded.values.get("host"),
        clientToken: loaded.values.get("client_token"),
        clientSecret: loaded.values.get("client_secret"),
        accessToken: loaded.values.get("access_token"),
      });
      lowerSource = `${edgercPath} [${section}]`;
    } else {
      edgercProblem = loaded.problem;
    }
  }

  const merged: Partial4 = { ...lower, ...explicit };
  const missing = REQUIRED.filter((key) => merged[key] === undefined);
  if (missing.length > 0) {
    const names = missing
      .map((key) => `${EDGERC_KEY[key]} (pulumi-akamai-cps:${key} or PULUMI_AKAMAI_CPS_${ENV_SUFFIX[key]}, env ${envPrefix}${ENV_SUFFIX[key]}, or .edgerc key ${EDGERC_KEY[key]})`)
      .join("; ");
    const fileNote = edgercProblem !== "" ? ` ${edgercProblem}.` : lowerSource !== "" ? ` Looked in ${lowerSource}.` : "";
    throw new CpsConfigError(`Akamai EdgeGrid credentials incomplete: missing ${names}.${fileNote}`);
  }

  const accountKey = nonEmpty(options.accountKey) ?? nonEmpty(env[`${envPrefix}ACCOUNT_KEY`]) ?? nonEmpty(edgercExtras?.get("account_key"));
  const maxBodyText = nonEmpty(env[`${envPrefix}MAX_BODY`]) ?? nonEmpty(edgercExtras?.get("max_body"));
  const maxBody = parseMaxBody(maxBodyText);
  const headersToSign = (edgercExtras?.get("headers_to_sign") ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");

  const sources = [Object.keys(explicit).length > 0 ? "explicit options" : "", lowerSource].filter((s) => s !== "");
  return {
    host: normaliseHost(merged.host!),
    clientToken: merged.clientToken!,
    clientSecret: merged.clientSecret!,
    accessToken: merged.accessToken!,
    accountKey,
    maxBody,
    headersToSign,
    source: sources.join(" + "),
  };
}

/** Strip scheme and trailing slashes; keep `:port`. Rejects anything that is not a bare authority. */
export function normaliseHost(raw: string): string {
  const host = raw.trim().replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  if (host === "" || /[\s/?#@]/.test(host)) {
    throw new CpsConfigError("host: expected a bare hostname (optionally with :port), e.g. akab-xxxx.luna.akamaiapis.net");
  }
  return host;
}

function parseMaxBody(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_BODY;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new CpsConfigError("max_body: expected a positive integer");
  }
  return value;
}

function loadEdgercSection(file: string, section: string): { values?: Map<string, string>; problem: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    return { problem: `No usable .edgerc at ${file} (${code})` };
  }
  const values = parseEdgerc(text).get(section);
  if (values === undefined) {
    return { problem: `Section [${section}] not found in ${file}` };
  }
  return { values, problem: "" };
}

function expandHome(file: string): string {
  return file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function pickDefined(values: Partial4): Partial4 {
  const out: Partial4 = {};
  for (const key of REQUIRED) {
    const value = nonEmpty(values[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
