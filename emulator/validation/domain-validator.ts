/**
 * The network checks behind the builtin CA's dns-01 and http-01, done the way Let's Encrypt does
 * them but against the emulator's configured DNS server: TXT at `_acme-challenge.<domain>`, and
 * `http://<domain>/.well-known/acme-challenge/<token>` fetched from the domain's A record (port
 * configurable), following up to 5 redirects. Every failure says what was expected and what was found.
 *
 * validationStatus mapping: nothing published yet (NXDOMAIN, no TXT, HTTP 404) → DATA_NOT_READY;
 * something published but wrong, or the check itself failing (wrong value, other HTTP status,
 * timeout, SERVFAIL, connection refused, too many redirects) → RESPONSE_ERROR.
 */
import { isIP } from "node:net";
import type { DomainCheckResult, DomainValidator } from "../seams";
import { addresses, queryDns, txtValues } from "../dns/client";
import { quoteList, truncate } from "./describe";
import { HttpTimeout, httpGet } from "./http-fetch";

export interface DomainValidatorOptions {
  /** `HOST:PORT` of the DNS server every lookup goes to. */
  dnsServer: string;
  /** Port standing for :80 of every domain (default 80). */
  httpPort?: number;
  /** Budget for each DNS query and each HTTP request (default 5000 ms). */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 5;

export const DATA_NOT_READY = "DATA_NOT_READY";
export const RESPONSE_ERROR = "RESPONSE_ERROR";

function fail(validationStatus: string, error: string): DomainCheckResult {
  return { ok: false, validationStatus, error };
}

/** The name a wildcard's dns-01 lives under: `*.example.com` validates at `_acme-challenge.example.com`. */
export function dns01RecordName(domain: string): string {
  return `_acme-challenge.${domain.replace(/^\*\./, "").replace(/\.$/, "")}`;
}

export function createDomainValidator(options: DomainValidatorOptions): DomainValidator {
  const timeoutMs = options.timeoutMs ?? 5000;
  const httpPort = options.httpPort ?? 80;
  const dnsServer = options.dnsServer;

  async function checkDns01(domain: string, expectedTxt: string): Promise<DomainCheckResult> {
    const recordName = dns01RecordName(domain);
    const result = await queryDns(dnsServer, recordName, "TXT", { timeoutMs });
    if (!result.ok) {
      const where = `dns-01: TXT ${recordName}. via ${dnsServer}`;
      switch (result.kind) {
        case "NXDOMAIN":
          return fail(DATA_NOT_READY, `${where}: NXDOMAIN, the name does not exist; publish a TXT record with value "${expectedTxt}"`);
        case "NODATA":
          return fail(DATA_NOT_READY, `${where}: no TXT record at that name; publish one with value "${expectedTxt}"`);
        case "TIMEOUT":
          return fail(RESPONSE_ERROR, `${where}: timeout, the DNS server did not answer within ${timeoutMs} ms`);
        default:
          return fail(RESPONSE_ERROR, `${where}: ${result.kind} (${result.message})`);
      }
    }
    const found = txtValues(result.answers);
    if (found.includes(expectedTxt)) return { ok: true, challengeType: "dns-01" };
    return fail(RESPONSE_ERROR, `dns-01: TXT ${recordName}. has the wrong value: expected "${expectedTxt}", found ${quoteList(found)}`);
  }

  /** A and then AAAA through the configured DNS server; IP literals pass through. */
  async function resolveHost(host: string): Promise<{ address: string } | { error: DomainCheckResult }> {
    if (isIP(host)) return { address: host };
    const a = await queryDns(dnsServer, host, "A", { timeoutMs });
    if (a.ok) return { address: addresses(a.answers)[0] as string };
    const aaaa = a.kind === "NODATA" ? await queryDns(dnsServer, host, "AAAA", { timeoutMs }) : undefined;
    if (aaaa?.ok) return { address: addresses(aaaa.answers)[0] as string };
    const where = `http-01: resolving ${host} via ${dnsServer}`;
    if (a.kind === "NXDOMAIN") return { error: fail(DATA_NOT_READY, `${where}: NXDOMAIN, the name does not exist`) };
    if (a.kind === "NODATA") return { error: fail(DATA_NOT_READY, `${where}: no A or AAAA record`) };
    if (a.kind === "TIMEOUT") return { error: fail(RESPONSE_ERROR, `${where}: timeout, the DNS server did not answer within ${timeoutMs} ms`) };
    return { error: fail(RESPONSE_ERROR, `${where}: ${a.kind} (${a.message})`) };
  }

  async function checkHttp01(domain: string, token: string, expectedBody: string): Promise<DomainCheckResult> {
    if (domain.startsWith("*.")) return fail(RESPONSE_ERROR, `http-01: ${domain} is a wildcard name, which only dns-01 can validate`);
    let url = new URL(`http://${domain}/.well-known/acme-challenge/${token}`);
    const visited: string[] = [];
    for (let redirects = 0; ; redirects += 1) {
      visited.push(url.href);
      if (url.protocol !== "http:") return fail(RESPONSE_ERROR, `http-01: redirected to ${url.href}; the emulator's validator only follows http:// URLs`);
      const resolved = await resolveHost(url.hostname.replace(/^\[|\]$/g, ""));
      if ("error" in resolved) return resolved.error;
      // Port 80 of the real world is `httpPort` on loopback; an explicit port in a redirect is honoured.
      const port = url.port ? Number(url.port) : httpPort;
      let response;
      try {
        response = await httpGet(resolved.address, port, url.host, url.pathname + url.search, timeoutMs);
      } catch (error) {
        const reason = error instanceof HttpTimeout ? `timeout, ${error.message}` : (error as Error).message;
        return fail(RESPONSE_ERROR, `http-01: GET ${url.href} (connecting to ${resolved.address}:${port}) failed: ${reason}`);
      }
      if ([301, 302, 303, 307, 308].includes(response.status) && response.location) {
        if (redirects >= MAX_REDIRECTS) return fail(RESPONSE_ERROR, `http-01: more than ${MAX_REDIRECTS} redirects: ${visited.join(" → ")}`);
        url = new URL(response.location, url);
        continue;
      }
      const via = visited.length > 1 ? ` (after redirects ${visited.join(" → ")})` : "";
      if (response.status === 404) return fail(DATA_NOT_READY, `http-01: GET ${url.href} returned HTTP 404${via}; serve "${truncate(expectedBody)}" there`);
      if (response.status !== 200) return fail(RESPONSE_ERROR, `http-01: GET ${url.href} returned HTTP ${response.status}${via}, expected 200`);
      const body = response.body.trim();
      if (body === expectedBody) return { ok: true, challengeType: "http-01" };
      return fail(RESPONSE_ERROR, `http-01: GET ${url.href}${via} returned the wrong body: expected "${truncate(expectedBody)}", found "${truncate(body)}"`);
    }
  }

  return { checkDns01, checkHttp01 };
}
