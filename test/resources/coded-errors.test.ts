/**
 * Every error the provider throws is a CodedError: a stable code to match in automation, and a
 * message that ends with the docs/troubleshooting.md section for it, once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { CodedError, CpsApiError, CpsBudgetTimeoutError, CpsChangeError, CpsConfigError, CpsInputError, CpsNetworkError, CpsResponseError, plainMessage } from "../../provider/cps";
import { WaitTimeoutError } from "../../provider/lifecycle/poll";
import { WarningsRefusedError } from "../../provider/lifecycle/acknowledgements";
import { PartialStateError, keepInState } from "../../provider/resources/partial-state";
import { hintFor } from "../../provider/resources/error-hints";

const ROOT = path.resolve(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/**
 * The plain errors that remain, each with why. Matched by a fragment of the source line, not by
 * file, so that an exception does not follow code moved elsewhere.
 */
const DOCUMENTED_EXCEPTIONS: { fragment: string; why: string }[] = [
  // Internal: caught and turned into a coded error before anyone sees them.
  { fragment: "class NetworkError extends Error", why: "transport.ts: Node's socket error, turned into CpsNetworkError (Unreachable/UntrustedCa)" },
  { fragment: 'req.destroy(new Error("timed out"))', why: "acme-session.ts: the socket's reason, which becomes part of the AcmeCaUnreachable message" },
  { fragment: "throw new RangeError(", why: "rate-limiter.ts: a bad limit, rewrapped by CpsClient as CpsConfigError (ProviderSettingInvalid)" },
];

interface PlainError {
  where: string;
  line: string;
}

/** `new Error(…)`, `new TypeError(…)`, `new RangeError(…)` and classes extending Error directly. */
function plainErrors(): PlainError[] {
  const found: PlainError[] = [];
  for (const file of tsFiles(path.join(ROOT, "provider"))) {
    const text = fs.readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const report = (node: ts.Node): void => {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      // The fragment may sit on the line of the constructor call or on the message's first line.
      const lines = text.split("\n").slice(line, line + 3).join("\n");
      found.push({ where: `${path.relative(ROOT, file)}:${line + 1}`, line: lines });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ["Error", "TypeError", "RangeError"].includes(node.expression.text)) report(node);
      if (ts.isClassDeclaration(node) && node.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText(source) === "Error"))) {
        if (node.name?.text !== "CodedError") report(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe("every error the provider throws carries a code", () => {
  it("no plain Error is constructed in provider/ outside the documented exceptions", () => {
    const undocumented = plainErrors().filter((p) => !DOCUMENTED_EXCEPTIONS.some((x) => p.line.includes(x.fragment)));
    expect(undocumented.map((p) => `${p.where}: ${p.line.split("\n")[0]!.trim()}`)).toEqual([]);
  });

  it("each documented exception still exists (an exception that is gone leaves the list)", () => {
    const all = plainErrors();
    expect(DOCUMENTED_EXCEPTIONS.filter((x) => !all.some((p) => p.line.includes(x.fragment))).map((x) => x.fragment)).toEqual([]);
  });

  it("the message ends with the code and its section", () => {
    const e = new CodedError("TlsCheckFailed", "TLS check against www.example.com:443 failed: hostname mismatch");
    expect(e.message).toBe("TLS check against www.example.com:443 failed: hostname mismatch [TlsCheckFailed, see docs/troubleshooting.md#tls-check]");
    expect(e.plainMessage).toBe("TLS check against www.example.com:443 failed: hostname mismatch");
    expect(String(e)).toBe("error TlsCheckFailed");
  });

  it("a message that links its section already gets the code only (no second pointer)", () => {
    const e = new CodedError("EnrollmentDeleted", "Enrollment 1 no longer exists in CPS. See docs/troubleshooting.md#enrollment-deleted.");
    expect(e.message).toBe("Enrollment 1 no longer exists in CPS. See docs/troubleshooting.md#enrollment-deleted. [EnrollmentDeleted]");
  });

  it("text added to the message later (retry counts, hints) goes before the pointer", () => {
    const e = new CodedError("ServerError", "GET /x failed: 503");
    e.message += " (after 3 attempts over 1.2 s)";
    expect(e.message).toBe("GET /x failed: 503 (after 3 attempts over 1.2 s) [ServerError, see docs/troubleshooting.md#cps-answers-5xx-or-drops-connections]");
  });

  it("CPS API answers get the code of what the user can do about them", () => {
    const api = (status: number, more: { title?: string; detail?: string; type?: string } = {}) => new CpsApiError({ status, method: "GET", path: "/cps/v2/enrollments/1", ...more });
    expect(api(429).code).toBe("RateLimited");
    expect(api(401, { title: "Not authorized", detail: "Invalid timestamp" }).code).toBe("ClockSkew");
    expect(api(401, { title: "Not authorized", detail: "The signature does not match" }).code).toBe("CredentialsInvalid");
    expect(api(403).code).toBe("CredentialsInvalid");
    expect(api(409, { type: "https://h/cps/v2/error-types/duplicate-common-name" }).code).toBe("DuplicateCommonName");
    expect(api(503).code).toBe("ServerError");
    expect(api(400).code).toBe("RequestRefused");
    expect(api(404).message).toBe("GET /cps/v2/enrollments/1 failed: 404 [RequestRefused, see docs/troubleshooting.md#request-refused]");
  });

  it("a clock-skew hint names the section the code points to, so it ends with the code only", () => {
    const e = new CpsApiError({ status: 401, method: "GET", path: "/cps/v2/enrollments/1", title: "Not authorized", detail: "Invalid timestamp" });
    e.message += hintFor(e, { now: Date.parse("2026-12-01T10:00:00Z") })!;
    expect(e.message).toMatch(/See docs\/troubleshooting\.md#clock-skew\. \[ClockSkew\]$/);
    expect(e.message.match(/troubleshooting\.md/g)).toHaveLength(1);
  });

  it("network errors: Node's code is errno, the code says unreachable or untrusted CA", () => {
    const refused = new CpsNetworkError({ errno: "ECONNREFUSED", method: "GET", path: "/x", reason: "connect ECONNREFUSED 127.0.0.1:443" });
    expect(refused).toMatchObject({ errno: "ECONNREFUSED", code: "Unreachable" });
    expect(new CpsNetworkError({ errno: "SELF_SIGNED_CERT_IN_CHAIN", method: "GET", path: "/x", reason: "self-signed" }).code).toBe("UntrustedCa");
  });

  it("a failed change keeps CPS's error code as cpsCode", () => {
    const e = new CpsChangeError({ enrollmentId: 1, changeId: 2, code: "deployment-window-expired", description: "window passed" });
    expect(e).toMatchObject({ code: "ChangeFailed", cpsCode: "deployment-window-expired" });
    expect(e.message).toBe("CPS change 2 of enrollment 1 failed: deployment-window-expired: window passed [ChangeFailed, see docs/troubleshooting.md#change-failed]");
  });

  it("the other client and wait errors have their codes", () => {
    expect(new CpsConfigError("Akamai EdgeGrid credentials incomplete: missing host").code).toBe("CredentialsMissing");
    expect(new CpsConfigError("Invalid provider setting: x", { code: "ProviderSettingInvalid" }).code).toBe("ProviderSettingInvalid");
    expect(new CpsInputError("contractId", "bad").code).toBe("BadInput");
    expect(new CpsResponseError({ method: "GET", path: "/x", status: 200, reason: "r" }).code).toBe("UnexpectedResponse");
    expect(new CpsBudgetTimeoutError("GET", "/x", 1000, "17/min", 3).message).toMatch(/raise the timeout input\. \[RateLimited, see docs\/troubleshooting\.md#rate-limits\]$/);
    expect(new WaitTimeoutError("validation", 1000, "pending").code).toBe("WaitTimedOut");
    expect(new WaitTimeoutError("DNS propagation", 1000, "pending", undefined, "DnsNotPropagated").code).toBe("DnsNotPropagated");
    expect(new WarningsRefusedError("post-verification", 1, 2, [], "postVerificationWarnings").code).toBe("WarningsRefused");
    for (const e of [new CpsConfigError("m"), new WaitTimeoutError("w", 1, "s"), new WarningsRefusedError("pre-verification", 1, 2, [], "p")]) expect(e).toBeInstanceOf(CodedError);
  });

  it("a partial-state error keeps id and properties for the engine, and the code of what failed, with one pointer", async () => {
    const cause = new CodedError("TlsCheckFailed", "TLS check against h:443 failed: expired");
    const thrown = await keepInState("123", () => ({ enrollmentId: 123 }), () => Promise.reject(cause)).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(PartialStateError);
    expect(thrown).toMatchObject({ id: "123", properties: { enrollmentId: 123 }, code: "TlsCheckFailed", reasons: [cause.message] });
    expect((thrown as PartialStateError).message).toBe(cause.message);
    const library = new PartialStateError("1", {}, new Error("socket hang up"));
    expect(library.code).toBe("Unexpected");
    expect(library.message).toBe("socket hang up [Unexpected, see docs/troubleshooting.md#other-errors]");
  });

  it("an error embedded in another message is embedded without its pointer", () => {
    expect(plainMessage(new CodedError("Unreachable", "GET /x failed: reset"))).toBe("GET /x failed: reset");
    expect(plainMessage(new Error("plain"))).toBe("plain");
  });
});

describe("stack traces", () => {
  const saved = process.env.PULUMI_AKAMAI_CPS_DEBUG;
  afterEach(() => {
    if (saved === undefined) delete process.env.PULUMI_AKAMAI_CPS_DEBUG;
    else process.env.PULUMI_AKAMAI_CPS_DEBUG = saved;
  });

  it("are replaced by a note for users, and kept with PULUMI_AKAMAI_CPS_DEBUG for whoever debugs the provider", () => {
    delete process.env.PULUMI_AKAMAI_CPS_DEBUG;
    expect(new CodedError("WaitTimedOut", "late").stack).toBe("the message is shown with the failed step");
    process.env.PULUMI_AKAMAI_CPS_DEBUG = "1";
    expect(new CodedError("WaitTimedOut", "late").stack).toMatch(/coded-errors\.test\.ts/);
  });
});
