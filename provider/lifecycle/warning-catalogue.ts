/**
 * The warning templates CPS sends, one per ID, read from the vendored catalogue `data/cps-warnings.json`
 * (Akamai's own map: terraform-provider-akamai `pkg/providers/cps/tools/cps_warnings.gen.go`,
 * https://github.com/akamai/terraform-provider-akamai/blob/master/pkg/providers/cps/tools/cps_warnings.gen.go).
 * The emulator reads the same file to emit them (emulator/pki/warning-catalogue.ts); neither side imports the other.
 */
import { z } from "zod";
import catalogueJson from "../../data/cps-warnings.json";

const entrySchema = z.object({ id: z.string().regex(/^[A-Z0-9_]+$/), template: z.string().min(1) });
const catalogueSchema = z.object({
  warnings: z.array(entrySchema),
  /** Other wordings of a catalogue ID that Akamai's own examples show (each with its source). */
  variants: z.array(entrySchema.extend({ source: z.string() })),
});

const catalogue = catalogueSchema.parse(catalogueJson);

export interface WarningTemplate {
  readonly id: string;
  readonly template: string;
}

/** The 114 templates, as Akamai ships them. */
export const WARNING_TEMPLATES: readonly WarningTemplate[] = catalogue.warnings;


/**
 * A line of a trust-chain dump (`<trustChainData>`, as in Akamai's post-verification example
 * apis/cps/v2/examples/warnings.v1-3p-post-verification.json): indented, or starting with the words
 * CPS prints, a list number, or PEM. Anything else after a dump is another warning, never swallowed
 * into this one (an unknown warning must not be acknowledged under a known ID).
 */
const DUMP_LINE = String.raw`(?:[ \t][^\n]*|(?:Trust Chain|Certificate|Subject|Issuer|Serial Number|The chain|Chain|Not (?:Before|After)|\d+\.|-----|[A-Za-z0-9+/=]{16,}(?=\r?\n|$))[^\n]*|)`;
const DUMP = String.raw`${DUMP_LINE}(?:\r?\n${DUMP_LINE})*`;
/** A bracketed value may hold newlines (PEM) and balanced brackets ("CERT [1]"), never a lone "]". */
const BRACKETED = String.raw`(?:[^\[\]]|\[[^\[\]\n]*\])*?`;

function templateToRegExp(template: string): RegExp {
  const source = template.trim();
  let out = "^";
  let at = 0;
  for (const m of source.matchAll(/<([A-Za-z0-9]+)>/g)) {
    const before = source.slice(at, m.index);
    out += before.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
    const after = source.slice(m.index + m[0].length);
    const bracketed = before.endsWith("[") && after.startsWith("]");
    const ownLines = /\n\s*$/.test(before);
    // A value spans lines only where the template gives it room: a dump on lines of its own, or a
    // bracketed value (a PEM text); elsewhere it stays on its line, so a following warning is not swallowed.
    out += m[1] === "trustChainData" ? DUMP : bracketed ? BRACKETED : ownLines ? "[^\\n]*(?:\\n[ \\t][^\\n]*)*?" : "[^\\n]*?";
    at = m.index + m[0].length;
  }
  out += source.slice(at).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+") + "$";
  return new RegExp(out, "i");
}

/**
 * Every template and variant, as a whole-text matcher: `<name>` matches any value, newlines included.
 * The most specific template (most fixed text) is tried first, so a value that happens to contain
 * another template's words never steals the warning.
 */
export const WARNING_MATCHERS: ReadonlyArray<{ id: string; re: RegExp }> = [...catalogue.warnings, ...catalogue.variants]
  .map(({ id, template }) => ({ id, re: templateToRegExp(template), fixed: template.replace(/<[A-Za-z0-9]+>/g, "").length }))
  .sort((a, b) => b.fixed - a.fixed)
  .map(({ id, re }) => ({ id, re }));
