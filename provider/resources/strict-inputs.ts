/**
 * Input pieces that accept exactly what the user wrote, or refuse it in `check` saying what is
 * expected — never a coercion into something else (a boolean or a list becoming enrollment 1 or
 * 10001, a phone number that is prose, a port beyond 65535, a PEM header followed by garbage).
 */
import { createPrivateKey, X509Certificate } from "crypto";
import { isIP } from "net";
import { z } from "zod";
import { type CheckFailure, wrongTypeMessage } from "./check-failures";

/**
 * A schema's own message for a value of the wrong type: `whenMissing` ("is required") only when the
 * input is absent, else `must be <expected>, not <what was given>` — zod's default reads "Invalid input".
 */
export function expecting(expected: string, whenMissing = "is required"): { error: (issue: { readonly input?: unknown }) => string } {
  return { error: (issue) => wrongTypeMessage(expected, issue.input, whenMissing) };
}

const ID_MESSAGE = "must be a CPS enrollment id: a positive whole number such as 12345 (not a boolean, a list or other text)";

/** An enrollment id as a number, or as a string of digits (stack config values are strings); nothing else. */
export const enrollmentIdInput = z.union([z.number(), z.string()], {
  error: (issue) => (issue.input === undefined ? "is required: a CPS enrollment id such as 12345 (an Enrollment's enrollmentId output)" : ID_MESSAGE),
}).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^\s*[1-9][0-9]{0,15}\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) {
    ctx.addIssue({ code: "custom", message: ID_MESSAGE });
    return z.NEVER;
  }
  return n;
});

/**
 * C0/C1 control characters (NUL, ESC of ANSI sequences, DEL…), and the Unicode line separators and
 * bidirectional overrides that make text display differently from what it is. Tab, CR and LF are
 * allowed only where text spans lines (PEMs, TXT values are checked by their own schemas).
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

function describeControl(s: string): string {
  const c = CONTROL.exec(s)?.[0] ?? LINE_BREAK_OR_TAB.exec(s)?.[0] ?? "";
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Every string anywhere in the inputs free of control characters (a walk, so no resource can forget one). */
export function controlCharacterFailures(value: unknown, path = ""): CheckFailure[] {
  if (typeof value === "string") {
    return CONTROL.test(value) ? [{ property: path || "(inputs)", reason: `contains the control character ${describeControl(value)}; only printable text is sent to CPS or put in a certificate` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacterFailures(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => (k === "__provider" ? [] : controlCharacterFailures(v, path ? `${path}.${k}` : k)));
  }
  return [];
}

/** One line of printable text, trimmed, 1..max characters (names, addresses, titles). */
export function singleLineText(max: number) {
  return z
    .string(expecting("one line of text"))
    .trim()
    .min(1, { message: "must not be empty" })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((s) => !CONTROL.test(s) && !LINE_BREAK_OR_TAB.test(s), { message: "must be one line of printable text (no tabs, line breaks or control characters)" });
}

/** A telephone number as CAs and Akamai's contact records take it: digits with the usual separators, an optional extension. */
export const phoneInput = z
  .string(expecting("a telephone number such as +1 617 555 0100"))
  .trim()
  .max(32, { message: "must be at most 32 characters" })
  .refine((s) => /^\+?[0-9 ().\-/]+((\s*(x|ext\.?)\s*)[0-9]{1,6})?$/i.test(s) && (s.match(/[0-9]/g) ?? []).length >= 5 && !/\+/.test(s.slice(1)), {
    message: "must be a telephone number such as +1 617 555 0100 (digits, spaces and + ( ) - . /, optionally an extension such as x123)",
  });

function portProblem(port: string): string | undefined {
  if (!/^[0-9]{1,5}$/.test(port)) return `port "${port}" is not a number`;
  const n = Number(port);
  return n >= 1 && n <= 65535 ? undefined : `port ${n} is outside 1-65535`;
}

/** A DNS resolver: an IP address, optionally with a port (`192.0.2.53:5353`, `[2001:db8::53]:5353`). */
export const resolverInput = z.string(expecting("an IP address with an optional port, e.g. 192.0.2.53 or 192.0.2.53:5353")).superRefine((s, ctx) => {
  const expected = "must be an IP address with an optional port 1-65535, e.g. 192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:5353";
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracketed) {
    port = bracketed[2];
    if (isIP(bracketed[1]!) !== 6) return void ctx.addIssue({ code: "custom", message: expected });
  } else if (isIP(s) === 0) {
    const i = s.lastIndexOf(":");
    if (i < 0 || isIP(s.slice(0, i)) !== 4) return void ctx.addIssue({ code: "custom", message: expected });
    port = s.slice(i + 1);
  }
  if (port !== undefined) {
    const p = portProblem(port);
    if (p) ctx.addIssue({ code: "custom", message: `${p}: ${expected}` });
  }
});

const HOST_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A host to connect to: a DNS name (`localhost` included) or an IP address, nothing else (no spaces, slashes or ports). */
export const hostInput = z
  .string(expecting("a hostname such as www.example.com or an IP address"))
  .trim()
  .refine((s) => isIP(s) !== 0 || (s.length <= 253 && s.replace(/\.$/, "").split(".").every((l) => HOST_LABEL.test(l))), {
    message: "must be a hostname (e.g. www.example.com) or an IP address, without scheme, port, path or spaces",
  });

/** A TLS server name (SNI): a DNS name, not an IP address. */
export const serverNameInput = z
  .string(expecting("a DNS name such as www.example.com"))
  .trim()
  .refine((s) => isIP(s) === 0 && s.length <= 253 && s.replace(/\.$/, "").split(".").every((l) => HOST_LABEL.test(l)), {
    message: "must be a DNS name such as www.example.com (the TLS server name, without scheme, port or path)",
  });

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Why `text` is not a list of PEM certificates each of which parses as X.509, or undefined. */
export function certificatesPemProblem(text: string): string | undefined {
  const blocks = text.match(PEM_CERT) ?? [];
  const begins = (text.match(/-----BEGIN [A-Z0-9 ]+-----/g) ?? []).length;
  if (blocks.length === 0) return "must be PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)";
  if (begins !== blocks.length) return "holds a PEM block that is not a complete certificate: give only -----BEGIN CERTIFICATE----- … -----END CERTIFICATE----- blocks";
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (e) {
      return `certificate ${i + 1} is not a valid X.509 certificate: ${(e instanceof Error ? e.message : String(e)).replace(/^Error: /, "")}`;
    }
  }
  return undefined;
}

/** PEM certificates (one or more), every block fully parsed. */
export const certificatesPemInput = z.string(expecting("PEM certificates as text (-----BEGIN CERTIFICATE----- …)")).superRefine((s, ctx) => {
  const problem = certificatesPemProblem(s);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || (isIP(h) === 4 && h.startsWith("127."));
}

function isLinkLocal(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return (isIP(h) === 4 && h.startsWith("169.254.")) || (isIP(h) === 6 && /^fe[89ab]/.test(h));
}

/**
 * An ACME URL: https, because the account key signs every request and the CA's answers decide what
 * certificate is issued (RFC 8555 §6.1 requires TLS); plain http only to a loopback address (local
 * test CAs). Link-local addresses (cloud metadata services) are refused whatever the scheme.
 */
export function acmeUrlInput(what: string) {
  return z.string(expecting(`${what}, an https URL`)).superRefine((s, ctx) => {
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return void ctx.addIssue({ code: "custom", message: `must be ${what}, an https URL` });
    }
    if (isLinkLocal(url.hostname)) {
      return void ctx.addIssue({ code: "custom", message: `points at the link-local address ${url.hostname} (a cloud metadata service, not an ACME CA): give ${what}` });
    }
    if (url.protocol === "https:") return;
    if (url.protocol === "http:" && isLoopback(url.hostname)) return;
    ctx.addIssue({
      code: "custom",
      message: `must be ${what} over https (the ACME account key signs every request and RFC 8555 §6.1 requires TLS); plain http is accepted only for a loopback test CA`,
    });
  });
}

/** An ISO 8601 date-time with an offset (or a date), for the messages that ask for one. */
export const ISO_DATE_TIME = "an ISO-8601 date-time with offset, e.g. 2026-12-01T00:00:00Z";

function scheduleEnd(props: Record<string, unknown> | undefined): unknown {
  const schedule = props?.deploymentSchedule;
  return schedule !== null && typeof schedule === "object" ? (schedule as Record<string, unknown>).notAfter : undefined;
}

/**
 * A `deploymentSchedule.notAfter` that has already passed: it is "the time after when the change will
 * no longer be in effect" (https://techdocs.akamai.com/cps/reference/deployment-schedule), so a window
 * that already ended could never deploy anything. Checked against
 * now only when the value is new or changed — an accepted window that has since ended must not make
 * every later preview fail, since it only steers changes started while it was open.
 */
export function closedWindowFailures(olds: Record<string, unknown> | undefined, news: Record<string, unknown>, now = Date.now()): CheckFailure[] {
  const end = scheduleEnd(news);
  if (typeof end !== "string" || end === scheduleEnd(olds)) return [];
  const at = Date.parse(end);
  if (Number.isNaN(at) || at > now) return [];
  return [
    {
      property: "deploymentSchedule.notAfter",
      reason: `is ${end}, which has already passed (now ${new Date(now).toISOString()}); a deployment window that has already ended would never deploy the certificate: give a later ${ISO_DATE_TIME}, or remove it`,
    },
  ];
}

/** A PEM private key that node:crypto can load (PKCS#8, PKCS#1 or SEC1), not just a header. */
export function privateKeyPemInput(message: string) {
  return z.string(expecting(message.replace(/^must be /, ""))).superRefine((s, ctx) => {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s)) return void ctx.addIssue({ code: "custom", message });
    try {
      createPrivateKey(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `${message}; this one does not parse: ${(e instanceof Error ? e.message : String(e)).replace(/^Error: /, "")}` });
    }
  });
}
