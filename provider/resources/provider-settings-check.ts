/**
 * Provider settings checked once, when the provider is configured, so a bad value fails before any
 * resource is created — naming the stack-config key and the environment variable it came from —
 * instead of being ignored or failing deep inside a wait with an internal name.
 *
 * One checker per setting that has a format; settings without an entry (paths, section names,
 * credentials, which the client resolves and reports itself) are taken as given.
 */
import { isIP } from "node:net";

/** Returns what is wrong with a raw value, or undefined when it is fine. */
export type SettingChecker = (raw: string) => string | undefined;

export const positiveInteger: SettingChecker = (raw) =>
  /^\s*[0-9]+\s*$/.test(raw) && Number(raw) >= 1 && Number.isSafeInteger(Number(raw)) ? undefined : "must be a positive whole number, such as 20";

/** A share of a budget: a number in (0, 1], such as 0.5. */
export const shareOfOne: SettingChecker = (raw) =>
  /^\s*(0|1)?(\.[0-9]+)?\s*$/.test(raw) && raw.trim() !== "" && Number(raw) > 0 && Number(raw) <= 1 ? undefined : "must be a number greater than 0 and at most 1, such as 0.5";

/** `ip`, `ip:port` or `[ipv6]:port`, as Node's resolver takes them (https://nodejs.org/api/dns.html#dnssetserversservers). */
function resolverProblem(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  let address = entry;
  let port: string | undefined;
  if (bracketed) {
    address = bracketed[1]!;
    port = bracketed[2];
  } else if (isIP(entry) !== 6) {
    const colon = entry.lastIndexOf(":");
    if (colon >= 0) {
      address = entry.slice(0, colon);
      port = entry.slice(colon + 1);
    }
  }
  if (isIP(address) === 0) return `"${entry}" is not an IP address (hostnames are not accepted: the resolver is what resolves them)`;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) return `"${entry}" has an invalid port (1-65535)`;
  return undefined;
}

export const resolverList: SettingChecker = (raw) => {
  const entries = raw.split(",").map((s) => s.trim());
  if (entries.some((e) => e === "")) return "must be a comma-separated list of ip[:port] without empty entries, such as 192.0.2.53,[2001:db8::53]:5353";
  const problems = entries.map(resolverProblem).filter((p): p is string => p !== undefined);
  return problems.length > 0 ? `${problems.join("; ")}; expected a comma-separated list of ip[:port], such as 192.0.2.53,[2001:db8::53]:5353` : undefined;
};
