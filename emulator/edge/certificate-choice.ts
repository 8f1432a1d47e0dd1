/**
 * Which certificate of a dual-stacked deployment a client gets: ECDSA when its ClientHello shows it
 * can use the ECDSA P-256 certificate CPS issues, otherwise RSA (as the edge does, ECDSA first).
 */
import type { KeyAlgorithm } from "../seams";
import type { ClientHello } from "./client-hello";

const TLS13 = 0x0304;
const SECP256R1 = 23;
/** TLS 1.3 binds the curve to the scheme: a P-256 certificate needs ecdsa_secp256r1_sha256. */
const ECDSA_SECP256R1_SHA256 = 0x0403;
/** TLS 1.2 signature_algorithms pairs are (hash, signature); signature 3 = ecdsa. */
const TLS12_SIGNATURE_ECDSA = 0x03;

/** ECDHE-ECDSA cipher suites (RFC 8422, 5289, 7905, 7251, 6367), the TLS 1.2 way to ask for an ECDSA certificate. */
const ECDHE_ECDSA_SUITES = new Set([
  0xc006, 0xc007, 0xc008, 0xc009, 0xc00a, 0xc023, 0xc024, 0xc02b, 0xc02c, 0xc072, 0xc073, 0xc086, 0xc087, 0xc0ac, 0xc0ad, 0xc0ae, 0xc0af, 0xcca9,
]);

/** True when the client can complete a handshake with an ECDSA P-256 certificate. */
export function clientAcceptsEcdsa(hello: ClientHello): boolean {
  if (hello.supportedVersions?.includes(TLS13)) {
    // The listener speaks TLS 1.3, so that is what this client gets; only signature_algorithms counts.
    return hello.signatureAlgorithms?.includes(ECDSA_SECP256R1_SHA256) ?? false;
  }
  if (!hello.cipherSuites.some((suite) => ECDHE_ECDSA_SUITES.has(suite))) return false;
  // Absent extensions mean the RFC defaults (sha1 with any signature; any curve), which allow ECDSA.
  const ecdsaSignature = hello.signatureAlgorithms?.some((scheme) => (scheme & 0xff) === TLS12_SIGNATURE_ECDSA) ?? true;
  const p256 = hello.supportedGroups?.includes(SECP256R1) ?? true;
  return ecdsaSignature && p256;
}

/** The key algorithm to serve out of those deployed (never empty). */
export function chooseKeyAlgorithm(hello: ClientHello, deployed: readonly KeyAlgorithm[]): KeyAlgorithm {
  if (deployed.includes("ECDSA") && (clientAcceptsEcdsa(hello) || !deployed.includes("RSA"))) return "ECDSA";
  return deployed.includes("RSA") ? "RSA" : (deployed[0] as KeyAlgorithm);
}
