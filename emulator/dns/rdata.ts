/**
 * Presentation-format rdata (what the Edge DNS API exchanges, e.g. `"v=spf1 -all"` for TXT or
 * `10 mail.example.com.` for MX) to and from dns-packet's structured answers.
 */
import type { Answer } from "dns-packet";

/** TXT character-strings inside presentation rdata: `"a" "b"` → [a, b]; unquoted text is one string. */
export function parseTxtStrings(rdata: string): string[] {
  const trimmed = rdata.trim();
  if (!trimmed.startsWith('"')) return [trimmed];
  const strings: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"/g;
  for (const match of trimmed.matchAll(pattern)) strings.push((match[1] ?? "").replace(/\\([\s\S])/g, "$1"));
  return strings;
}

/** The TXT value a resolver sees: the character-strings joined. */
export function txtValue(rdata: string): string {
  return parseTxtStrings(rdata).join("");
}

/** Pieces of at most 255 UTF-8 bytes (a DNS character-string's limit), never splitting a character. */
function byteChunks(value: string): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const ch of value) {
    if (Buffer.byteLength(current + ch, "utf8") > 255) {
      chunks.push(current);
      current = "";
    }
    current += ch;
  }
  chunks.push(current);
  return chunks;
}

function quoteTxt(value: string): string {
  // A DNS character-string holds at most 255 bytes; longer values become several strings.
  return byteChunks(value).map((chunk) => `"${chunk.replace(/(["\\])/g, "\\$1")}"`).join(" ");
}

/** Canonical stored form: TXT quoted, names without case or trailing-dot differences. */
export function normalizeRdata(type: string, rdata: string): string {
  const value = rdata.trim();
  switch (type) {
    case "TXT":
      return quoteTxt(value.startsWith('"') ? txtValue(value) : value);
    case "CNAME":
    case "NS":
    case "PTR":
      return value.toLowerCase().replace(/\.?$/, ".");
    default:
      return value;
  }
}

const stripDot = (name: string): string => name.replace(/\.$/, "");
const fields = (rdata: string): string[] => rdata.trim().split(/\s+/);

/** One dns-packet answer for one rdata entry, or undefined when the type is not served. */
export function toAnswer(name: string, type: string, ttl: number, rdata: string): Answer | undefined {
  const base = { name, ttl, class: "IN" as const };
  switch (type) {
    case "A":
    case "AAAA":
      return { ...base, type, data: rdata.trim() };
    case "CNAME":
    case "NS":
    case "PTR":
      return { ...base, type, data: stripDot(rdata.trim()) };
    case "TXT":
      return { ...base, type: "TXT", data: parseTxtStrings(rdata) };
    case "MX": {
      const [preference, exchange] = fields(rdata);
      return { ...base, type: "MX", data: { preference: Number(preference), exchange: stripDot(exchange ?? "") } };
    }
    case "SRV": {
      const [priority, weight, port, target] = fields(rdata);
      return { ...base, type: "SRV", data: { priority: Number(priority), weight: Number(weight), port: Number(port), target: stripDot(target ?? "") } };
    }
    case "CAA": {
      const match = /^(\d+)\s+(\S+)\s+"?([^"]*)"?$/.exec(rdata.trim());
      if (!match) return undefined;
      const tag = match[2] as "issue" | "issuewild" | "iodef";
      return { ...base, type: "CAA", data: { flags: Number(match[1]), tag, value: match[3] ?? "" } };
    }
    case "SOA": {
      const [mname, rname, serial, refresh, retry, expire, minimum] = fields(rdata);
      return {
        ...base,
        type: "SOA",
        data: { mname: stripDot(mname ?? ""), rname: stripDot(rname ?? ""), serial: Number(serial), refresh: Number(refresh), retry: Number(retry), expire: Number(expire), minimum: Number(minimum) },
      };
    }
    default:
      return undefined;
  }
}
