/**
 * Every "see docs/troubleshooting.md#<anchor>" the provider prints leads to a heading of that file
 * (GitHub's anchor rules: lower-case, spaces → "-", punctuation dropped). Anchors come from two
 * places: the literal `troubleshooting.md#<anchor>` in a message in provider/**\/*.ts, and the table
 * of error codes (ERROR_CODES, provider/cps/coded-error.ts), from which every CodedError builds its
 * link. Each section an error leads to names its code(s), and codes earlier releases printed stay
 * findable ("formerly …"). Other guides the code points to (`docs/<guide>.md#<anchor>`) are checked
 * the same way.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ERROR_CODES, FORMER_CODES, type ErrorCode } from "../../provider/cps/coded-error";

const ROOT = path.resolve(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** GitHub's heading anchor: lower-case, punctuation except "-" and "_" dropped, each space → "-"; repeats get -1, -2. */
function githubAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
  for (const m of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/<[^>]+>/g, "")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of prose.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

interface Reference {
  guide: string; // e.g. "troubleshooting.md"
  anchor: string;
  where: string;
}

function references(): Reference[] {
  const refs: Reference[] = [];
  for (const file of tsFiles(path.join(ROOT, "provider"))) {
    const text = fs.readFileSync(file, "utf8");
    const rel = path.relative(ROOT, file);
    for (const m of text.matchAll(/docs\/([a-z0-9-]+\.md)#([A-Za-z0-9_-]+)/g)) refs.push({ guide: m[1]!, anchor: m[2]!, where: rel });
  }
  for (const [code, anchor] of Object.entries(ERROR_CODES)) refs.push({ guide: "troubleshooting.md", anchor, where: `ERROR_CODES.${code}` });
  return refs;
}

/** The text of each `## ` section of the guide (with its `###` subsections), by anchor. */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.split(/^(?=## )/m).slice(1);
  for (const part of parts) {
    const heading = part.slice(0, part.indexOf("\n"));
    const [anchor] = [...githubAnchors(heading)];
    if (anchor !== undefined) out.set(anchor, part);
  }
  return out;
}

describe("links the provider prints into docs/", () => {
  const refs = references();

  it("finds the troubleshooting anchors the messages carry", () => {
    const anchors = new Set(refs.filter((r) => r.guide === "troubleshooting.md").map((r) => r.anchor));
    expect([...anchors]).toEqual(expect.arrayContaining(["rate-limits", "duplicate-common-name", "delete-refused", "deployment-window", "deployed-certificate-mismatch", "clock-skew", "provider-settings"]));
  });

  it("each section an error code leads to names that code", () => {
    const guide = sections(fs.readFileSync(path.join(ROOT, "docs", "troubleshooting.md"), "utf8"));
    const unnamed = (Object.entries(ERROR_CODES) as [ErrorCode, string][]).filter(([code, anchor]) => !(guide.get(anchor) ?? "").includes(`\`${code}\``));
    expect(unnamed.map(([code, anchor]) => `${code} in #${anchor}`)).toEqual([]);
  });

  it("codes of earlier releases stay findable next to the code that replaced them", () => {
    const guide = sections(fs.readFileSync(path.join(ROOT, "docs", "troubleshooting.md"), "utf8"));
    const lost = Object.entries(FORMER_CODES).filter(([former, code]) => !(guide.get(ERROR_CODES[code]) ?? "").includes(`formerly \`${former}\``));
    expect(lost.map(([former, code]) => `${former} → ${code}`)).toEqual([]);
  });

  it("the codes the issue names exist", () => {
    const required = ["PendingChangeWouldBeCancelled", "WarningsRefused", "ChangeManagementRequired", "ValidationFailed", "DnsNotPropagated", "ChangeFailed", "RateLimited", "CredentialsInvalid", "Unreachable", "TlsCheckFailed", "DeleteRefusedWhileDeployed", "WaitTimedOut"];
    expect(Object.keys(ERROR_CODES)).toEqual(expect.arrayContaining(required));
  });

  it("each anchor is a heading of the guide it names", () => {
    const cache = new Map<string, Set<string>>();
    const missing = refs.filter((r) => {
      const file = path.join(ROOT, "docs", r.guide);
      if (!fs.existsSync(file)) return true;
      if (!cache.has(r.guide)) cache.set(r.guide, githubAnchors(fs.readFileSync(file, "utf8")));
      return !cache.get(r.guide)!.has(r.anchor);
    });
    expect(missing.map((r) => `${r.where}: docs/${r.guide}#${r.anchor}`)).toEqual([]);
  });

  it("every entry of the troubleshooting table of contents points to a heading", () => {
    const text = fs.readFileSync(path.join(ROOT, "docs", "troubleshooting.md"), "utf8");
    const anchors = githubAnchors(text);
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!);
    expect(links.filter((a) => !anchors.has(a))).toEqual([]);
  });

  it("computes anchors as GitHub does", () => {
    expect([...githubAnchors("## Clock skew (401 Invalid timestamp)\n## CPS answers 5xx or drops connections\n## Drift shows in `pulumi preview`\n## A\n## A\n")]).toEqual([
      "clock-skew-401-invalid-timestamp",
      "cps-answers-5xx-or-drops-connections",
      "drift-shows-in-pulumi-preview",
      "a",
      "a-1",
    ]);
  });
});
