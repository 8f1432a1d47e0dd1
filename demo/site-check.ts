/**
 * The check a user makes once `pulumi up` finished: does the site answer with the new certificate?
 * Resolve the site's name (through the emulator's DNS in the demo), follow its CNAME to the edge
 * hostname, resolve that, open TLS to the address with SNI = the site's name, and verify the chain
 * (against the given CA), the name and the expiry — what a browser does, step by step, so that a
 * failure says which step broke.
 */
import { promises as dns } from "node:dns";
import * as tls from "node:tls";

export interface SiteCheckOptions {
  /** The site's name, e.g. `www.example.test`. */
  site: string;
  /** DNS server to ask, `host:port` (the emulator's). */
  dnsServer: string;
  /** TCP port of the TLS listener behind the edge hostname's address (the emulator's production edge). */
  port: number;
  /** Roots to trust, PEM (the emulator's edge CA). */
  caPem: string;
  /** Bound on the DNS and TLS steps together (default 15 s). */
  timeoutMs?: number;
}

export interface SiteCheck {
  ok: boolean;
  /** One line per step, as printed by the demo. */
  steps: string[];
  /** `OK (...)` or `FAILED: <which step and why>`. */
  summary: string;
  cname?: string;
  address?: string;
  serialNumber?: string;
  notAfter?: string;
}

function handshake(address: string, port: number, servername: string, ca: string, timeoutMs: number): Promise<tls.PeerCertificate & { authorized: boolean; authorizationError?: string }> {
  return new Promise((resolve, reject) => {
    // rejectUnauthorized: false so that the step can say *why* the chain is not trusted instead of a bare reset.
    const socket = tls.connect({ host: address, port, servername, ca, rejectUnauthorized: false, timeout: timeoutMs }, () => {
      const peer = socket.getPeerCertificate();
      resolve({ ...peer, authorized: socket.authorized, authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined });
      socket.end();
    });
    socket.on("timeout", () => socket.destroy(new Error(`no TLS answer from ${address}:${port} within ${timeoutMs} ms`)));
    socket.on("error", reject);
  });
}

export async function checkSite(options: SiteCheckOptions): Promise<SiteCheck> {
  const { site, dnsServer, port, caPem } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const steps: string[] = [];
  const fail = (why: string, partial: Partial<SiteCheck> = {}): SiteCheck => ({ ok: false, steps, summary: `FAILED: ${why}`, ...partial });
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  resolver.setServers([dnsServer]);

  let cname: string;
  try {
    const answers = await resolver.resolveCname(site);
    if (answers.length !== 1) return fail(`${site} has ${answers.length} CNAME records`);
    cname = answers[0]!;
  } catch (e) {
    return fail(`${site} has no CNAME at ${dnsServer}: ${(e as Error).message}`);
  }
  steps.push(`${site} CNAME ${cname}`);
  let address: string;
  try {
    const [first] = await resolver.resolve4(cname);
    if (!first) return fail(`${cname} has no address`, { cname });
    address = first;
  } catch (e) {
    return fail(`${cname} does not resolve at ${dnsServer}: ${(e as Error).message}`, { cname });
  }
  steps.push(`${cname} A ${address}`);

  let peer: Awaited<ReturnType<typeof handshake>>;
  try {
    peer = await handshake(address, port, site, caPem, timeoutMs);
  } catch (e) {
    return fail(`TLS to ${address}:${port} (SNI ${site}): ${(e as Error).message}`, { cname, address });
  }
  const partial = { cname, address, serialNumber: peer.serialNumber, notAfter: peer.valid_to ? new Date(peer.valid_to).toISOString() : undefined };
  steps.push(`TLS ${address}:${port} SNI ${site}: serial ${peer.serialNumber}, valid until ${partial.notAfter ?? "?"}`);
  if (!peer.authorized) return fail(`the chain is not trusted: ${peer.authorizationError ?? "unknown reason"}`, partial);
  // The same host-name rules as a browser (RFC 6125 via Node's checkServerIdentity).
  const nameError = tls.checkServerIdentity(site, peer);
  if (nameError) return fail(`the certificate does not cover ${site}: ${nameError.message}`, partial);
  const now = Date.now();
  if (!(new Date(peer.valid_from).getTime() <= now && now < new Date(peer.valid_to).getTime())) return fail(`the certificate is not valid now (${peer.valid_from} – ${peer.valid_to})`, partial);
  return { ok: true, steps, summary: "OK (DNS through the CNAME, chain, hostname, expiry)", ...partial };
}
