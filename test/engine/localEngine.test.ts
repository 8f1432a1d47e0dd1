import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runEngine, type EngineCommand, type RunEngineResult } from "../../engine";

const programDir = path.join(__dirname, "fixtures", "counter-program");

interface JournalEntry {
  op: string;
  name: string;
  id: string;
}

describe("local engine running a program of dynamic resources", () => {
  let workDir: string;
  let stateFile: string;
  let configFile: string;
  let journal: string;

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), "local-engine-test-"));
    stateFile = path.join(workDir, "state.json");
    configFile = path.join(workDir, "Pulumi.test.yaml");
    journal = path.join(workDir, "journal.jsonl");
  });

  afterAll(async () => {
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  const run = async (command: EngineCommand, config: Record<string, string | number> = {}) => {
    const lines = [`config:`, `  counter-program:journal: ${JSON.stringify(journal)}`];
    for (const [key, value] of Object.entries({ value: 3, ...config })) lines.push(`  counter-program:${key}: ${JSON.stringify(value)}`);
    await fs.writeFile(configFile, lines.join("\n") + "\n");
    const output: string[] = [];
        // Type checking is `tsc`'s job in CI; the engine runs the same either way.
    const env = { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
    const result = await runEngine({ command, cwd: programDir, stack: "test", stateFile, configFile, env, onOutput: (line) => output.push(line) });
    return { ...result, output: output.join("\n") };
  };
  const journalEntries = async (): Promise<JournalEntry[]> =>
    (await fs.readFile(journal, "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as JournalEntry);
  const writes = async () => (await journalEntries()).filter((e) => e.op !== "read");
  const state = async () => JSON.parse(await fs.readFile(stateFile, "utf8")) as { resources: { name: string; id?: string; initErrors?: string[] }[] };
  const ops = (result: RunEngineResult, op: string) =>
    result.summary.steps
      .filter((s) => s.op === op)
      .map((s) => s.name)
      .sort();

  it("up creates every resource, passes outputs to dependents and prints stack outputs", async () => {
    const result = await run("up");
    expect(result.exitCode).toBe(0);
    expect(ops(result, "create")).toEqual(["a", "b"]);
    expect(result.outputs).toMatchObject({ aDoubled: 6, bValue: 6 });
    expect(result.output).toMatch(/aDoubled: 6/);
    expect(result.output).toMatch(/\[a\] counter a: created counter-a-/);
    expect((await state()).resources.map((r) => r.name).sort()).toEqual(["a", "b", "counter-program-test"]);
  });

  it("a second up changes nothing", async () => {
    const before = (await writes()).length;
    const result = await run("up");
    expect(result.exitCode).toBe(0);
    expect(result.summary.counts).toMatchObject({ create: 0, update: 0, replace: 0, delete: 0 });
    expect((await writes()).length).toBe(before);
  });

  it("preview plans update, replace and create without calling the provider to make them", async () => {
    const stateBefore = await fs.readFile(stateFile, "utf8");
    const before = (await writes()).length;
    const result = await run("preview", { value: 4, replaceKey: "k2", withC: "true" });
    expect(result.exitCode).toBe(0);
    expect(ops(result, "update")).toEqual(["a"]);
    expect(ops(result, "replace")).toEqual(["b"]);
    expect(ops(result, "create")).toEqual(["c"]);
    // The changed input is named, and values known only after apply show as Pulumi shows them.
    expect(result.output).toMatch(/^ {2}~ +a \(.*\) update \(planned\) \[diff: value\]$/m);
    expect(result.output).toMatch(/^ +aDoubled: output<string>$/m);
    expect(result.output).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect((await writes()).length).toBe(before);
    expect(await fs.readFile(stateFile, "utf8")).toBe(stateBefore);
  });

  it("up updates in place, replaces (create, then delete the old one) and creates", async () => {
    const oldB = (await state()).resources.find((r) => r.name === "b")!.id;
    const before = (await writes()).length;
    const result = await run("up", { value: 4, replaceKey: "k2", withC: "true" });
    expect(result.exitCode).toBe(0);
    expect(result.summary.counts).toMatchObject({ update: 1, replace: 1, create: 1, delete: 0 });
    const made = (await writes()).slice(before);
    expect(made.filter((e) => e.op === "update").map((e) => e.name)).toEqual(["a"]);
    expect(made.filter((e) => e.op === "create").map((e) => e.name).sort()).toEqual(["b", "c"]);
    expect(made.filter((e) => e.op === "delete")).toEqual([expect.objectContaining({ name: "b", id: oldB })]);
    expect(result.outputs).toMatchObject({ aDoubled: 8, bValue: 8 });
  });

  it("up deletes a resource the program no longer declares", async () => {
    const result = await run("up", { value: 4, replaceKey: "k2" });
    expect(result.exitCode).toBe(0);
    expect(ops(result, "delete")).toEqual(["c"]);
    expect((await state()).resources.map((r) => r.name)).not.toContain("c");
  });

  it("a create that fails after the resource exists is kept, and the next up resumes it without a second create", async () => {
    const failed = await run("up", { value: 4, replaceKey: "k2", d: "quota exceeded after create" });
    expect(failed.exitCode).not.toBe(0);
    expect(failed.output).toContain("quota exceeded after create");
    const d = (await state()).resources.find((r) => r.name === "d");
    expect(d?.id).toMatch(/^counter-d-/);
    expect(d?.initErrors?.[0]).toContain("quota exceeded after create");

    const resumed = await run("up", { value: 4, replaceKey: "k2", d: "ok" });
    expect(resumed.exitCode).toBe(0);
    expect(ops(resumed, "update")).toEqual(["d"]);
    // A clean failure is not called an interruption; the changed input is named.
    expect(resumed.output).toMatch(/^ {2}~ +d \(.*\) update \[diff: failCreate; retrying after the last run failed on it\]$/m);
    const forD = (await writes()).filter((e) => e.name === "d");
    expect(forD.map((e) => e.op)).toEqual(["create", "update"]);
    expect(forD[1]!.id).toBe(d!.id);
    expect((await state()).resources.find((r) => r.name === "d")?.initErrors).toBeUndefined();
  });

  it("refresh reads every resource", async () => {
    const before = (await journalEntries()).length;
    const result = await run("refresh", { value: 4, replaceKey: "k2", d: "ok" });
    expect(result.exitCode).toBe(0);
    const reads = (await journalEntries()).slice(before).filter((e) => e.op === "read");
    expect(reads.map((e) => e.name).sort()).toEqual(["a", "b", "d"]);
  });

  it("destroy deletes everything, dependents before what they depend on", async () => {
    const before = (await writes()).length;
    const result = await run("destroy", { value: 4, replaceKey: "k2", d: "ok" });
    expect(result.exitCode).toBe(0);
    const order = (await writes()).slice(before).map((e) => e.name);
    expect([...order].sort()).toEqual(["a", "b", "d"]);
    // b takes a's output, so b goes first.
    expect(order.indexOf("b")).toBeLessThan(order.indexOf("a"));
    expect((await state()).resources).toEqual([]);
  });
});
