import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface ApiCredentials {
  /** host[:port] exactly as a client puts it in the URL and the Host header. */
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

function token(): string {
  const part = (): string => randomBytes(8).toString("hex");
  return `akab-${part()}-${part()}`;
}

export function generateCredentials(host: string): ApiCredentials {
  return { host, clientToken: token(), clientSecret: randomBytes(32).toString("base64"), accessToken: token() };
}

/**
 * Writes (or replaces) one section of an .edgerc file, keeping the other sections as they were.
 * The file is created with mode 0600 because it holds a secret.
 */
export function writeEdgercSection(file: string, section: string, credentials: ApiCredentials): void {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const kept: string[] = [];
  let inTarget = false;
  for (const line of existing.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) inTarget = header[1].trim() === section;
    if (!inTarget) kept.push(line);
  }
  const body = [
    `[${section}]`,
    `host = ${credentials.host}`,
    `client_token = ${credentials.clientToken}`,
    `client_secret = ${credentials.clientSecret}`,
    `access_token = ${credentials.accessToken}`,
    "max_body = 131072",
    "",
  ].join("\n");
  const prefix = kept.join("\n").replace(/\s+$/, "");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, (prefix ? prefix + "\n\n" : "") + body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
