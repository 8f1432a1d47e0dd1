/**
 * Before telling CPS that the challenges are in place, check that the TXT records are really visible,
 * like lego does: ask the zone's authoritative name servers directly (no resolver caches in between),
 * or the resolvers the user configured (e.g. the local emulator's DNS server, `127.0.0.1:5353`).
 */
import { promises as dns } from "dns";

export interface TxtLookupResult {
  found: string[];
  /** Set when the lookup itself failed (NXDOMAIN, timeout, ...). */
  error?: string;
}

export interface TxtLookup {
  lookupTxt(name: string): Promise<TxtLookupResult>;
}

function errorText(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "ENOTFOUND") return "NXDOMAIN (name does not exist)";
  if (code === "ENODATA") return "no TXT record";
  if (code === "ETIMEOUT") return "DNS timeout";
  if (code === "ESERVFAIL") return "SERVFAIL";
  if (code === "ECONNREFUSED") return "DNS server refused the connection";
  return code ?? (e instanceof Error ? e.message : String(e));
}

function resolverFor(servers: string[], timeoutMs: number): dns.Resolver {
  const r = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  r.setServers(servers);
  return r;
}

async function queryTxt(resolver: dns.Resolver, name: string): Promise<TxtLookupResult> {
  try {
    const records = await resolver.resolveTxt(name);
    return { found: records.map((chunks) => chunks.join("")) };
  } catch (e) {
    return { found: [], error: errorText(e) };
  }
}

/** Look TXT records up through fixed resolvers (`host` or `host:port`, IPv4/IPv6). */
export function fixedResolvers(servers: string[], timeoutMs = 3000): TxtLookup {
  const resolver = resolverFor(servers, timeoutMs);
  return { lookupTxt: (name) => queryTxt(resolver, name) };
}

/**
 * Look TXT records up at the authoritative servers of the closest enclosing zone: find the NS set by
 * walking up the name through the system resolver, resolve the servers' addresses, and ask them.
 */
export function authoritativeResolvers(timeoutMs = 3000): TxtLookup {
  const system = new dns.Resolver({ timeout: timeoutMs, tries: 2 });
  const cache = new Map<string, Promise<dns.Resolver | undefined>>();
  async function nsFor(name: string): Promise<dns.Resolver | undefined> {
    const labels = name.split(".");
    for (let i = 0; i < labels.length - 1; i++) {
      const zone = labels.slice(i).join(".");
      try {
        const ns = await system.resolveNs(zone);
        if (ns.length === 0) continue;
        const addresses = (await Promise.all(ns.map((h) => system.resolve4(h).catch(() => [] as string[])))).flat();
        if (addresses.length > 0) return resolverFor(addresses, timeoutMs);
      } catch {
        // not a zone apex (or not resolvable): try the parent
      }
    }
    return undefined;
  }
  return {
    async lookupTxt(name) {
      const parent = name.split(".").slice(1).join(".");
      let pending = cache.get(parent);
      if (!pending) {
        pending = nsFor(parent);
        cache.set(parent, pending);
      }
      const resolver = (await pending) ?? system;
      return queryTxt(resolver, name);
    },
  };
}

export interface PropagationCheck {
  domain: string;
  recordName: string;
  ok: boolean;
  /** Why it is not visible yet, in words a user can act on. */
  reason?: string;
}

/** Check that every expected TXT value is visible. */
export async function checkTxtRecords(
  lookup: TxtLookup,
  expected: ReadonlyArray<{ domain: string; recordName: string; value: string }>,
): Promise<PropagationCheck[]> {
  return Promise.all(
    expected.map(async ({ domain, recordName, value }) => {
      const result = await lookup.lookupTxt(recordName);
      if (result.found.includes(value)) return { domain, recordName, ok: true };
      const reason = result.error
        ? `${recordName}: ${result.error}`
        : result.found.length === 0
          ? `${recordName}: no TXT record`
          : `${recordName}: wrong value (expected "${value}", found ${result.found.map((v) => `"${v.length > 60 ? v.slice(0, 60) + "…" : v}"`).join(", ")})`;
      return { domain, recordName, ok: false, reason };
    }),
  );
}
