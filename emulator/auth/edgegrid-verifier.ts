import { createHash, createHmac, timingSafeEqual } from "crypto";

/**
 * Server-side EdgeGrid v1 (EG1-HMAC-SHA256) verification, written from the protocol description
 * (https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid), independently of any
 * client library.
 */

export interface SignedRequest {
  method: string;
  /** `https` for the API listener. */
  scheme: string;
  /** Host header as received, port included. */
  host: string;
  /** Raw request-target (path + `?query`) exactly as received. */
  target: string;
  /** Lower-cased header names (node's IncomingMessage.headers shape). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ClientCredential {
  clientToken: string;
  accessToken: string;
  clientSecret: string;
}

export interface VerifierOptions {
  credentials: ClientCredential[];
  /** Bytes of a POST body covered by the content hash. */
  maxBody?: number;
  /** Header names covered by the signature (none for CPS). */
  headersToSign?: string[];
  /** Accepted distance between the request timestamp and the server clock. */
  timestampWindowMs?: number;
  /** Real time: EdgeGrid timestamps come from the client's wall clock, not the emulator clock. */
  now?: () => number;
}

export type VerifyResult =
  | { ok: true; clientToken: string }
  | { ok: false; status: 400 | 401; kind: "request-error" | "deny"; detail: string };

const AUTH_PATTERN =
  /^EG1-HMAC-SHA256 client_token=([^;]*);access_token=([^;]*);timestamp=([^;]*);nonce=([^;]*);signature=([^;]*)$/;
const TIMESTAMP_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0000$/;

export function signingKey(clientSecret: string, timestamp: string): string {
  return createHmac("sha256", Buffer.from(clientSecret, "utf8")).update(timestamp, "utf8").digest("base64");
}

/**
 * `name:value` for each configured header present, value trimmed and inner whitespace runs collapsed
 * (the official vector "Header with leading and interior spaces" expects exactly that on the
 * server side). Throws for CR/LF, which no header value may carry.
 */
export function canonicalizeHeaders(headers: Record<string, string | string[] | undefined>, headersToSign: string[]): string {
  const parts: string[] = [];
  for (const name of headersToSign) {
    const raw = headers[name.toLowerCase()];
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(",") : raw;
    if (/[\r\n]/.test(value)) throw new Error(`invalid line break in signed header ${name}`);
    parts.push(`${name.toLowerCase()}:${value.trim().replace(/\s+/g, " ")}`);
  }
  return parts.join("\t");
}

export function contentHash(method: string, body: Buffer, maxBody: number): string {
  if (method.toUpperCase() !== "POST" || body.length === 0) return "";
  return createHash("sha256").update(body.subarray(0, maxBody)).digest("base64");
}

/** The tab-joined string the signature covers, ending with the unsigned Authorization header. */
export function dataToSign(request: SignedRequest, unsignedAuthorization: string, maxBody: number, headersToSign: string[]): string {
  return [
    request.method.toUpperCase(),
    request.scheme.toLowerCase(),
    request.host,
    request.target,
    canonicalizeHeaders(request.headers, headersToSign),
    contentHash(request.method, request.body, maxBody),
    unsignedAuthorization,
  ].join("\t");
}

export function computeSignature(
  request: SignedRequest,
  unsignedAuthorization: string,
  timestamp: string,
  clientSecret: string,
  maxBody: number,
  headersToSign: string[],
): string {
  return createHmac("sha256", Buffer.from(signingKey(clientSecret, timestamp), "utf8"))
    .update(dataToSign(request, unsignedAuthorization, maxBody, headersToSign), "utf8")
    .digest("base64");
}

export function parseEdgeGridTimestamp(value: string): number | undefined {
  const m = TIMESTAMP_PATTERN.exec(value);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(t) ? undefined : t;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

export class EdgeGridVerifier {
  private readonly byClientToken = new Map<string, ClientCredential>();
  private readonly maxBody: number;
  private readonly headersToSign: string[];
  private readonly windowMs: number;
  private readonly now: () => number;
  /** nonce -> time it may be forgotten (after it could no longer pass the timestamp check anyway). */
  private readonly seenNonces = new Map<string, number>();
  private lastPrune = 0;

  constructor(options: VerifierOptions) {
    for (const c of options.credentials) this.byClientToken.set(c.clientToken, c);
    this.maxBody = options.maxBody ?? 131072;
    this.headersToSign = options.headersToSign ?? [];
    this.windowMs = options.timestampWindowMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  verify(request: SignedRequest): VerifyResult {
    const header = request.headers["authorization"];
    const authorization = Array.isArray(header) ? header[0] : header;
    if (!authorization) return { ok: false, status: 400, kind: "request-error", detail: "Authorization header missing" };
    const m = AUTH_PATTERN.exec(authorization.trim());
    if (!m) return { ok: false, status: 400, kind: "request-error", detail: "Malformed Authorization header" };
    const [, clientToken, accessToken, timestamp, nonce, signature] = m;
    const credential = this.byClientToken.get(clientToken);
    if (!credential || !sameText(credential.accessToken, accessToken)) {
      return { ok: false, status: 401, kind: "deny", detail: "Invalid client token or access token" };
    }
    const signedAt = parseEdgeGridTimestamp(timestamp);
    const now = this.now();
    if (signedAt === undefined || Math.abs(now - signedAt) > this.windowMs) {
      return { ok: false, status: 401, kind: "deny", detail: "Invalid timestamp" };
    }
    const unsigned = authorization.trim().slice(0, authorization.trim().lastIndexOf("signature="));
    let expected: string;
    try {
      expected = computeSignature(request, unsigned, timestamp, credential.clientSecret, this.maxBody, this.headersToSign);
    } catch {
      return { ok: false, status: 400, kind: "request-error", detail: "Invalid signed header value" };
    }
    if (!sameText(expected, signature)) return { ok: false, status: 401, kind: "deny", detail: "The signature does not match" };
    this.pruneNonces(now);
    const nonceKey = `${clientToken} ${nonce}`;
    if (this.seenNonces.has(nonceKey)) return { ok: false, status: 401, kind: "deny", detail: "Replayed nonce" };
    this.seenNonces.set(nonceKey, signedAt + this.windowMs + 1000);
    return { ok: true, clientToken };
  }

  private pruneNonces(now: number): void {
    if (now - this.lastPrune < 10_000) return;
    this.lastPrune = now;
    for (const [key, forgetAt] of this.seenNonces) if (forgetAt < now) this.seenNonces.delete(key);
  }
}
