import { createHash, createHmac } from "node:crypto";

/**
 * An independent EdgeGrid v1 verifier written from https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid (deliberately not the client's
 * signer): recompute the signature from the request as received.
 */
export interface VerifierCredentials {
  clientToken: string;
  clientSecret: string;
  accessToken: string;
  maxBody?: number;
}

export function verifyEdgeGrid(
  creds: VerifierCredentials,
  request: { method: string; host: string; target: string; authorization: string | undefined; body: Buffer },
): { ok: true } | { ok: false; reason: string } {
  const header = request.authorization;
  if (header === undefined) return { ok: false, reason: "Authorization header missing" };
  const match = /^EG1-HMAC-SHA256 client_token=([^;]*);access_token=([^;]*);timestamp=([^;]*);nonce=([^;]*);signature=(.*)$/.exec(header);
  if (match === null) return { ok: false, reason: "malformed Authorization header" };
  const [, clientToken, accessToken, timestamp, nonce, signature] = match;
  if (clientToken !== creds.clientToken || accessToken !== creds.accessToken) return { ok: false, reason: "unknown token" };
  if (!/^\d{8}T\d{2}:\d{2}:\d{2}\+0000$/.test(timestamp!)) return { ok: false, reason: "bad timestamp" };
  const unsigned = `EG1-HMAC-SHA256 client_token=${clientToken};access_token=${accessToken};timestamp=${timestamp};nonce=${nonce};`;
  const maxBody = creds.maxBody ?? 131072;
  const contentHash =
    request.method === "POST" && request.body.length > 0 ? createHash("sha256").update(request.body.subarray(0, maxBody)).digest("base64") : "";
  const data = [request.method, "https", request.host, request.target, "", contentHash, unsigned].join("\t");
  const key = createHmac("sha256", creds.clientSecret).update(timestamp!).digest("base64");
  const expected = createHmac("sha256", key).update(data).digest("base64");
  return expected === signature ? { ok: true } : { ok: false, reason: "The signature does not match" };
}
