/**
 * CPS returns pre- and post-verification warnings as free text (`warnings.v1`: one string that may hold
 * several warnings, sometimes after a "[WARNINGS]" header, or as a bracketed list "[w1, w2]" as in
 * Akamai's change-management-info example). Users need stable IDs to write a policy such as
 * "acknowledge OVERLAPPING_TRAFFIC_CLASS, fail on anything else". Each warning is matched whole against
 * Akamai's templates (warning-catalogue.ts): a multi-line warning (a trust-chain dump) stays one warning.
 * Text no template matches gets an `UNKNOWN_<hash>` ID derived from the text with its variable parts
 * masked, so the same warning about another name, serial or date keeps its ID across renewals.
 */
import { createHash } from "crypto";
import { WARNING_MATCHERS, WARNING_TEMPLATES } from "./warning-catalogue";

/** Every warning ID this package recognises (for documentation and input validation hints). */
export const KNOWN_WARNING_IDS: readonly string[] = WARNING_TEMPLATES.map((t) => t.id);

/** A warning CPS raised, with the stable ID a warning policy lists it by. */
export interface ClassifiedWarning {
  /** Stable ID: a catalogue ID, or `UNKNOWN_<8 hex>` derived from the masked text. */
  id: string;
  /** The text CPS sent, verbatim. */
  message: string;
  /** Whether the text is in the catalogue of warnings CPS is known to send. */
  known: boolean;
}

/** Where one warning may end and the next begin: a line break, or ", " inside a bracketed list. */
interface Piece {
  text: string;
  /** What separated this piece from the previous one ("" for the first). */
  separator: string;
}

function pieces(body: string, listSeparators: boolean): Piece[] {
  const out: Piece[] = [];
  const splitter = listSeparators ? /(\r?\n|, )/ : /(\r?\n)/;
  const tokens = body.split(splitter);
  out.push({ text: tokens[0] ?? "", separator: "" });
  for (let i = 1; i < tokens.length; i += 2) out.push({ text: tokens[i + 1] ?? "", separator: tokens[i] ?? "" });
  return out;
}

function join(parts: readonly Piece[]): string {
  return parts.map((p, i) => (i === 0 ? p.text : p.separator + p.text)).join("");
}

function match(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return WARNING_MATCHERS.find((m) => m.re.test(trimmed))?.id;
}

/**
 * Cut the text into warnings so that as many warnings as possible match a template, and as little text
 * as possible matches none (dynamic programming over the possible cut points). Unmatched neighbours are
 * joined: an unknown multi-line warning stays one warning.
 */
function segment(body: string, listSeparators: boolean): ClassifiedWarning[] {
  const ps = pieces(body, listSeparators);
  const n = ps.length;
  const UNKNOWN_COST = 1000;
  const cost: number[] = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const back: Array<{ from: number; id: string | undefined } | undefined> = new Array(n + 1).fill(undefined);
  cost[0] = 0;
  for (let i = 0; i < n; i++) {
    if (cost[i] === Number.POSITIVE_INFINITY) continue;
    const base = cost[i]!;
    // a blank piece costs nothing
    if (ps[i]!.text.trim() === "" && base < cost[i + 1]!) {
      cost[i + 1] = base;
      back[i + 1] = { from: i, id: "" };
    }
    // one piece left unknown
    if (base + UNKNOWN_COST < cost[i + 1]!) {
      cost[i + 1] = base + UNKNOWN_COST;
      back[i + 1] = { from: i, id: undefined };
    }
    // pieces i..j-1 as one known warning (more warnings recognised is better, hence the reward)
    for (let j = i + 1; j <= n; j++) {
      const id = match(join(ps.slice(i, j)));
      if (id !== undefined && base - 1 < cost[j]!) {
        cost[j] = base - 1;
        back[j] = { from: i, id };
      }
    }
  }
  const spans: Array<{ from: number; to: number; id: string | undefined }> = [];
  for (let at = n; at > 0; ) {
    const step = back[at]!;
    if (step.id !== "") spans.unshift({ from: step.from, to: at, id: step.id });
    at = step.from;
  }
  const merged: Array<{ from: number; to: number; id: string | undefined }> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && last.id === undefined && span.id === undefined && last.to === span.from) last.to = span.to;
    else merged.push({ ...span });
  }
  return merged.map((span) => {
    const message = join(ps.slice(span.from, span.to)).trim();
    return span.id !== undefined ? { id: span.id, message, known: true } : { id: unknownWarningId(message), message, known: false };
  });
}

/**
 * The ID of a text no template matches: a hash of the text with what varies between renewals masked
 * (bracketed and quoted values, PEM blocks, distinguished names, serials, dates, domain names, numbers).
 */
export function unknownWarningId(message: string): string {
  const masked = message
    .replace(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g, "<pem>")
    .replace(/\[[^\]\n]*\]/g, "[]")
    .replace(/'[^'\n]*'/g, "''")
    .replace(/"[^"\n]*"/g, '""')
    .replace(/\b(?:CN|OU|O|L|ST|C|E|EMAILADDRESS)=[^\n]*/gi, "<dn>")
    .replace(/\b[0-9a-f]{2}(?::[0-9a-f]{2})+:?/gi, "<serial>")
    .replace(/\b\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+Z?)?/g, "<date>")
    .replace(/\b(?:\*\.)?(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi, "<name>")
    .replace(/\d+/g, "#")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
  return `UNKNOWN_${createHash("sha256").update(masked).digest("hex").slice(0, 8).toUpperCase()}`;
}

/** Split a `warnings.v1` text into warnings (not lines) and give each its ID. */
export function classifyWarnings(text: string | null | undefined): ClassifiedWarning[] {
  if (!text) return [];
  const body = text.trim().replace(/^\[WARNINGS?\]\s*/i, "");
  if (body.trim() === "") return [];
  // "[w1, w2]": the list format of Akamai's change-management-info example (a Java list's text)
  const listed = /^\[([\s\S]*)\]$/.exec(body.trim());
  if (listed) return segment(listed[1]!, true);
  return segment(body, false);
}

/**
 * How a resource treats warnings: `"acknowledge-all"`, `"fail"` (acknowledge nothing), or a list of
 * warning IDs that may be acknowledged (anything else fails the update with the text shown).
 */
export type WarningPolicy = "acknowledge-all" | "fail" | readonly string[];

export interface WarningDecision {
  acknowledge: boolean;
  warnings: ClassifiedWarning[];
  /** Warnings the policy does not allow (empty when acknowledge is true). */
  refused: ClassifiedWarning[];
}

export function decideWarnings(text: string | null | undefined, policy: WarningPolicy): WarningDecision {
  const warnings = classifyWarnings(text);
  if (policy === "acknowledge-all") return { acknowledge: true, warnings, refused: [] };
  const allowed = new Set(policy === "fail" ? [] : policy.map((id) => id.toUpperCase()));
  const refused = warnings.filter((w) => !allowed.has(w.id.toUpperCase()));
  return { acknowledge: refused.length === 0, warnings, refused };
}

/** One entry per warning, `ID: text`, for error messages (a multi-line warning indented under its ID). */
export function describeWarnings(warnings: readonly ClassifiedWarning[]): string {
  return warnings.map((w) => `  - ${w.id}: ${w.message.replace(/\n/g, "\n      ")}`).join("\n");
}
