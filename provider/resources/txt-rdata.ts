/**
 * TXT values to and from the Edge DNS API's rdata, which is DNS presentation format: each
 * character-string quoted, `"` and `\` escaped with a backslash (RFC 1035 §5.1,
 * https://www.rfc-editor.org/rfc/rfc1035#section-5.1), and a value longer than one character-string
 * (255 bytes, RFC 1035 §3.3.14) split into several strings that resolvers join again (RFC 7208 §3.3
 * for SPF, https://www.rfc-editor.org/rfc/rfc7208#section-3.3).
 *
 * The value is split first — by UTF-8 bytes, never inside a character — and each piece escaped
 * afterwards, so an escape is never cut in two. Control characters (newlines, tabs, …) would need
 * `\DDD` escapes, which Akamai does not document for the Edge DNS API: they are refused in check
 * rather than stored as something else.
 */
import { z } from "zod";
import { expecting } from "./strict-inputs";

const MAX_STRING_BYTES = 255;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export const txtValueInput = z
  .string(expecting("text, one TXT value such as a DNS challenge token"))
  .min(1, { message: "must not be empty" })
  .max(4096)
  .superRefine((value, ctx) => {
    const match = CONTROL.exec(value);
    if (match) {
      const code = match[0].charCodeAt(0).toString(16).padStart(2, "0");
      ctx.addIssue({
        code: "custom",
        message: `contains the control character U+00${code} at position ${match.index}; Edge DNS TXT values here must be printable text (split a multi-line value into several values)`,
      });
    }
  });

/** Pieces of at most 255 UTF-8 bytes, never splitting a character (a surrogate pair stays whole). */
export function characterStrings(value: string): string[] {
  const pieces: string[] = [];
  let current = "";
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > MAX_STRING_BYTES) {
      pieces.push(current);
      current = "";
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  pieces.push(current);
  return pieces;
}

export function toRdata(value: string): string {
  return characterStrings(value)
    .map((piece) => `"${piece.replace(/(["\\])/g, "\\$1")}"`)
    .join(" ");
}

export function fromRdata(rdata: string): string {
  const parts = [...rdata.matchAll(/"((?:[^"\\]|\\[\s\S])*)"/g)].map((m) => m[1]!.replace(/\\([\s\S])/g, "$1"));
  return parts.length > 0 ? parts.join("") : rdata;
}
