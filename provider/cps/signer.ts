import { randomUUID } from "node:crypto";
import * as path from "node:path";
import { CpsInputError } from "./errors";
import { CodedError } from "./coded-error";

/**
 * EdgeGrid v1 (EG1-HMAC-SHA256) signing (https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid), on top of the crypto and canonicalisation
 * helpers of Akamai's own `akamai-edgegrid` package.
 *
 * Why not the package's `EdgeGrid` class: its constructor registers global axios interceptors
 * (one more per instance) and it sends through axios. Why not `helpers.signingKey` /
 * `helpers.dataToSign`: they log the signing key, body and data-to-sign through the package's
 * process-global pino logger, which `AKAMAI_LOG_LEVEL` switches on; and `contentHash` truncates at
 * a hard-coded 131072 characters (not bytes, not the configured max_body). So we call only the
 * helpers that never log (`base64HmacSha256`, `base64Sha256`, `canonicalizeHeaders`) and leave the
 * package's global logger alone.
 */
interface EdgeGridHelpers {
  base64HmacSha256(data: string, key: string): string;
  base64Sha256(data: string | Buffer): string;
  canonicalizeHeaders(headers: Record<string, string>): string;
}

function loadHelpers(): EdgeGridHelpers {
  // The package's `exports` map only exposes index.js (which pulls in axios); its helpers live in
  // src/helpers.js, reachable by absolute path.
  const dir = path.dirname(require.resolve("akamai-edgegrid"));
  const loaded: unknown = require(path.join(dir, "src", "helpers.js"));
  if (!isHelpers(loaded)) {
    throw new CodedError("Unexpected", "akamai-edgegrid/src/helpers.js does not export the expected signing helpers");
  }
  return loaded;
}

function isHelpers(value: unknown): value is EdgeGridHelpers {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return ["base64HmacSha256", "base64Sha256", "canonicalizeHeaders"].every((name) => typeof record[name] === "function");
}

const helpers = loadHelpers();

export interface SigningCredentials {
  clientToken: string;
  clientSecret: string;
  accessToken: string;
  maxBody: number;
  headersToSign: string[];
}

export interface SignableRequest {
  method: string;
  /** `https` (or `http`): the scheme the request is sent with. */
  scheme: string;
  /** Authority as sent, including `:port` when present. */
  host: string;
  /** Raw request target: path plus `?query`, exactly as sent. */
  pathAndQuery: string;
  /** Request headers (any case); only those named in headersToSign are signed. */
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** `yyyyMMddTHH:mm:ss+0000` in UTC. */
export function edgeGridTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}+0000`;
}

export class EdgeGridSigner {
  constructor(
    private readonly credentials: SigningCredentials,
    private readonly clock: { now: () => number; nonce: () => string } = { now: Date.now, nonce: randomUUID },
  ) {}

  /** The complete `Authorization` header value for this request. */
  authorization(request: SignableRequest, fixed?: { timestamp?: string; nonce?: string }): string {
    const timestamp = fixed?.timestamp ?? edgeGridTimestamp(this.clock.now());
    const nonce = fixed?.nonce ?? this.clock.nonce();
    const unsigned = this.unsignedHeader(timestamp, nonce);
    const signingKey = helpers.base64HmacSha256(timestamp, this.credentials.clientSecret);
    return `${unsigned}signature=${helpers.base64HmacSha256(this.dataToSign(request, unsigned), signingKey)}`;
  }

  /** `EG1-HMAC-SHA256 client_token=…;access_token=…;timestamp=…;nonce=…;` */
  unsignedHeader(timestamp: string, nonce: string): string {
    return `EG1-HMAC-SHA256 client_token=${this.credentials.clientToken};access_token=${this.credentials.accessToken};timestamp=${timestamp};nonce=${nonce};`;
  }

  /** The seven tab-joined fields of §8.3. */
  dataToSign(request: SignableRequest, unsignedHeader: string): string {
    return [
      request.method.toUpperCase(),
      request.scheme.toLowerCase(),
      request.host,
      request.pathAndQuery,
      this.canonicalHeaders(request.headers ?? {}),
      this.contentHash(request),
      unsignedHeader,
    ].join("\t");
  }

  /** Only POST bodies are hashed, truncated to max_body bytes. */
  contentHash(request: SignableRequest): string {
    if (request.method.toUpperCase() !== "POST" || request.body === undefined) return "";
    const bytes = typeof request.body === "string" ? Buffer.from(request.body, "utf8") : request.body;
    if (bytes.length === 0) return "";
    return helpers.base64Sha256(bytes.subarray(0, this.credentials.maxBody));
  }

  private canonicalHeaders(headers: Record<string, string>): string {
    const byLowerName = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const ordered: Record<string, string> = {};
    for (const name of this.credentials.headersToSign) {
      const value = byLowerName.get(name.toLowerCase());
      if (value === undefined) continue;
      // Same rule as the HTTP libraries behind the official vectors: such a value cannot be sent.
      if (/^\s/.test(value) || /[\r\n]/.test(value)) {
        throw new CpsInputError(`headers.${name}`, "Invalid leading whitespace, reserved character(s), or return character(s) in header value");
      }
      ordered[name] = value;
    }
    return helpers.canonicalizeHeaders(ordered);
  }
}
