/**
 * The check a TLS client makes against the edge: handshake with SNI, verify the chain to trusted
 * roots, the hostname, and the validity dates. Used by Deployment's optional `verify` input.
 */
import * as tls from "tls";
import { X509Certificate } from "crypto";

export interface TlsVerifyTarget {
  host: string;
  port: number;
  /** SNI and the name checked against the certificate. */
  servername: string;
  /** Extra trusted roots (PEM), e.g. the emulator's edge roots. Default: Node's bundled roots. */
  caPem?: string;
  timeoutMs?: number;
  /** Time used for the expiry check (default now). */
  at?: Date;
}

/** The result of a TLS handshake check against an edge: chain, hostname and expiry. */
export interface TlsVerifyResult {
  /** Whether chain, hostname and expiry all passed. */
  ok: boolean;
  /** Human summary: "chain, hostname, expiry OK" or the first failure. */
  summary: string;
  /** The served leaf's serial number (hex). */
  serialNumber?: string;
  /** The served leaf's end of validity. */
  notAfter?: string;
  /** The served leaf's names. */
  subjectAltNames?: string[];
  /** SHA-256 fingerprint of the served leaf. */
  fingerprint256?: string;
  /** The negotiated TLS version, e.g. `TLSv1.3`. */
  protocol?: string;
}

export function verifyTlsEndpoint(target: TlsVerifyTarget): Promise<TlsVerifyResult> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: target.servername,
      ...(target.caPem ? { ca: target.caPem } : {}),
      rejectUnauthorized: false, // we report the reason ourselves instead of a bare socket error
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, summary: `TLS handshake with ${target.host}:${target.port} timed out` });
    }, target.timeoutMs ?? 10_000);
    socket.once("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, summary: `TLS handshake with ${target.host}:${target.port} (SNI ${target.servername}) failed: ${e.message}` });
    });
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const peer = socket.getPeerX509Certificate();
      const protocol = socket.getProtocol() ?? undefined;
      const authorizationError = socket.authorizationError;
      socket.end();
      if (!peer) {
        resolve({ ok: false, summary: "the server sent no certificate" });
        return;
      }
      const details = describePeer(peer, protocol);
      if (authorizationError) {
        resolve({ ...details, ok: false, summary: `chain not trusted: ${String(authorizationError)}` });
        return;
      }
      const hostError = tls.checkServerIdentity(target.servername, {
        subjectaltname: peer.subjectAltName ?? "",
        subject: {} as tls.PeerCertificate["subject"],
      } as tls.PeerCertificate);
      if (hostError) {
        resolve({ ...details, ok: false, summary: `hostname mismatch: ${hostError.message}` });
        return;
      }
      const at = target.at ?? new Date();
      if (new Date(peer.validTo) < at || new Date(peer.validFrom) > at) {
        resolve({ ...details, ok: false, summary: `certificate not valid at ${at.toISOString()} (valid ${peer.validFrom} to ${peer.validTo})` });
        return;
      }
      resolve({ ...details, ok: true, summary: "OK (chain, hostname, expiry)" });
    });
  });
}

function describePeer(peer: X509Certificate, protocol?: string): Omit<TlsVerifyResult, "ok" | "summary"> {
  return {
    serialNumber: peer.serialNumber,
    notAfter: new Date(peer.validTo).toISOString(),
    subjectAltNames: (peer.subjectAltName ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.startsWith("DNS:"))
      .map((s) => s.slice(4)),
    fingerprint256: peer.fingerprint256,
    ...(protocol ? { protocol } : {}),
  };
}
