/**
 * ACME challenge values computed exactly as RFC 8555 does, so the builtin CA's challenges look and
 * behave like Let's Encrypt's: 43-character base64url tokens, key authorization
 * `token.thumbprint(accountKey)`, and the dns-01 TXT value base64url(SHA-256(keyAuthorization)).
 */
import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC P-256 public key. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "EC") throw new Error("account keys are EC P-256");
  // Required members only, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash("sha256").update(canonical).digest("base64url");
}

export function dns01TxtValue(keyAuthorization: string): string {
  return createHash("sha256").update(keyAuthorization).digest("base64url");
}

export function newAccountThumbprint(): string {
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return jwkThumbprint(publicKey);
}
