/**
 * The Markdown files the npm package ships (README.md, docs/, emulator/README.md, engine/README.md)
 * link only to files the package ships too (issue #18 item 8: the tarball linked to `examples/…`,
 * which it does not contain). The file list is `npm pack --dry-run --json`, the same `npm pack` the
 * installed-copy tests use (test/harness/installPackedCopy.ts), without writing a tarball. Anchors
 * are not checked here (test/resources/troubleshooting-anchors.test.ts checks the ones the code
 * prints); links with a scheme (https:, mailto:) are not files and are skipped.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

jest.setTimeout(60_000);

const dryRun = z.array(z.object({ files: z.array(z.object({ path: z.string() })).min(1) })).min(1);

function packedFiles(): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`npm pack --dry-run failed: ${stderr || error.message}`));
      try {
        resolve(dryRun.parse(JSON.parse(stdout))[0]!.files.map((f) => f.path.split(path.sep).join("/")));
      } catch (e) {
        reject(e);
      }
    }),
  );
}

/** The relative link targets of a Markdown text (inline `[t](x)`, `![t](x)`, `[t](<x> "title")` and `[t]: x`), outside code. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "") // fenced code blocks
    .replace(/`[^`\n]*`/g, ""); // inline code spans
  const targets = [
    ...[...prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/gm)].map((m) => m[1]!),
  ].map((t) => t.replace(/^<|>$/g, ""));
  return targets.filter((t) => t !== "" && !t.startsWith("#") && !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

describe("the Markdown files in the npm package", () => {
  let files: string[];
  let shipped: Set<string>;

  beforeAll(async () => {
    files = await packedFiles();
    shipped = new Set(files);
    for (const f of files) for (let d = path.posix.dirname(f); d !== "."; d = path.posix.dirname(d)) shipped.add(d); // a link may name a shipped folder
  });

  it("include the README, the guides and the emulator's and engine's READMEs", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "docs/troubleshooting.md", "emulator/README.md", "engine/README.md"]));
  });

  it("come from docs/ without the generated API reference (npm run docs writes docs/api/, which is not shipped)", () => {
    expect(files.filter((f) => f.startsWith("docs/") && !/^docs\/[^/]+\.md$/.test(f))).toEqual([]);
  });

  it("link only to files the package ships (and that exist in the repository)", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const md of files.filter((f) => f.endsWith(".md"))) {
      for (const link of relativeLinks(fs.readFileSync(path.join(PROJECT_ROOT, md), "utf8"))) {
        const file = decodeURI(link.split("#")[0]!.split("?")[0]!);
        if (file === "") continue;
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(md), file)).replace(/\/$/, "");
        checked++;
        if (!shipped.has(target)) broken.push(`${md}: ${link} → ${target} is not in the package`);
        else if (!fs.existsSync(path.join(PROJECT_ROOT, target))) broken.push(`${md}: ${link} → ${target} does not exist in the repository`);
      }
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10); // the scan found the docs' links at all
  });

  it("the link scanner sees links and skips code, anchors and URLs", () => {
    const text = "[a](docs/x.md#h) ![i](img.png \"t\") [u](https://x.test/y) [h](#top)\n`[c](nope.md)`\n```\n[d](nope2.md)\n```\n[ref]: ../data/y.json\n";
    expect(relativeLinks(text)).toEqual(["docs/x.md#h", "img.png", "../data/y.json"]);
  });
});
