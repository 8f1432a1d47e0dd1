import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  dynamicUrn,
  isSecret,
  ProviderCallError,
  secret,
  serializeProvider,
  serializeProviderFromModule,
  startDynamicProviderHost,
  unwrapSecrets,
  type DynamicProviderHost,
  type PropertyMap,
} from "../harness";
import { counterProvider } from "../harness/fixtures/counterProvider";
import { waitFor } from "../program/wait";

const projectRoot = path.resolve(__dirname, "../..");

describe("dynamic-provider host driven like the engine", () => {
  let host: DynamicProviderHost;
  let providerText: string;
  let workDir: string;
  const output: string[] = [];

  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), "provider-host-test-"));
    providerText = await serializeProvider(counterProvider);
    host = await startDynamicProviderHost({ cwd: projectRoot, onOutput: (_stream, line) => output.push(line) });
    const configured = await host.configure({ "pulumi-akamai-cps:edgerc": "/tmp/fake.edgerc", "other:key": "x" });
    // The dynamic-provider host says it does not accept secrets; the engine then strips them.
    expect(configured.acceptsSecrets).toBe(false);
  });

  afterAll(async () => {
    await host?.stop();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  const journalOf = async (file: string) =>
    (await fs.readFile(file, "utf8").catch(() => ""))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { op: string; id: string });

  it("runs check, create, read, diff, update and delete through the real host", async () => {
    const journal = path.join(workDir, "roundtrip.jsonl");
    const urn = dynamicUrn("one");
    const news: PropertyMap = { __provider: providerText, name: "one", value: 2, replaceKey: "a", journal };

    const checked = await host.check(urn, {}, news);
    expect(checked.failures).toEqual([]);

    const created = await host.create(urn, checked.inputs);
    if (created.status !== "created") throw new Error(`expected a create, got ${created.message}`);
    expect(created.id).toMatch(/^counter-one-/);
    expect(created.properties).toMatchObject({ value: 2, doubled: 4, configSeen: "/tmp/fake.edgerc" });
    expect(created.properties.__provider).toBe(providerText);
    // The provider's stderr line and the gRPC answer travel separately: wait for the line (bounded).
    await waitFor(`the provider's "created" line`, () => output.some((line) => line.includes(`counter one: created ${created.id}`)) || undefined, 10_000);

    const read = await host.read(created.id, urn, created.properties, checked.inputs);
    expect(read).toMatchObject({ id: created.id, properties: { doubled: 4 } });

    const same = await host.diff(created.id, urn, created.properties, checked.inputs);
    expect(same).toMatchObject({ changes: "none", replaces: [] });

    const changedInputs = { ...checked.inputs, value: 5 };
    expect(await host.diff(created.id, urn, created.properties, changedInputs)).toMatchObject({ changes: "some", replaces: [] });
    const replacing = await host.diff(created.id, urn, created.properties, { ...checked.inputs, replaceKey: "b" });
    expect(replacing).toMatchObject({ changes: "some", replaces: ["replaceKey"] });

    const updated = await host.update(created.id, urn, created.properties, changedInputs);
    if (updated.status !== "updated") throw new Error(updated.message);
    expect(updated.properties).toMatchObject({ value: 5, doubled: 10 });

    await host.delete(created.id, urn, updated.properties);
    expect((await journalOf(journal)).map((e) => e.op)).toEqual(["create", "read", "update", "delete"]);
  });

  it("reports check failures per property without creating anything", async () => {
    const checked = await host.check(dynamicUrn("bad"), {}, { __provider: providerText, name: "bad", value: "seven" });
    expect(checked.failures).toEqual([{ property: "value", reason: "value must be a number" }]);
  });

  it("returns partial state when create fails after the resource exists", async () => {
    const journal = path.join(workDir, "partial.jsonl");
    const props = { __provider: providerText, name: "half", value: 1, failCreate: "timed out waiting", journal };
    const result = await host.create(dynamicUrn("half"), props);
    if (result.status !== "partial") throw new Error("expected partial state");
    expect(result.id).toMatch(/^counter-half-/);
    expect(result.properties).toMatchObject({ incomplete: true, value: 1 });
    expect(result.reasons).toEqual(["the counter exists but is not ready"]);
    expect(result.message).toContain("timed out waiting");
    expect((await journalOf(journal)).map((e) => e.id)).toEqual([result.id]);
  });

  it("throws a ProviderCallError for a failure without an id", async () => {
    const call = host.create(dynamicUrn("broken"), { __provider: "this is not javascript", name: "broken" });
    await expect(call).rejects.toBeInstanceOf(ProviderCallError);
  });

  it("sends secrets in plain text and marks the matching outputs secret, like the engine", async () => {
    const urn = dynamicUrn("secretive");
    const props: PropertyMap = { __provider: providerText, name: "secretive", value: 3, note: secret("hush") };
    const checked = await host.check(urn, {}, props);
    expect(isSecret(checked.inputs.note)).toBe(true);
    const created = await host.create(urn, checked.inputs);
    if (created.status !== "created") throw new Error(created.message);
    expect(isSecret(created.properties.note)).toBe(true);
    expect(isSecret(created.properties.value)).toBe(false);
    expect(unwrapSecrets(created.properties)).toMatchObject({ note: "hush", doubled: 6 });
  });

  it("passes secret config values to configure unwrapped", async () => {
    const other = await startDynamicProviderHost({ cwd: projectRoot });
    try {
      await other.configure({ "pulumi-akamai-cps:edgerc": "/secret/path" }, { secretKeys: ["pulumi-akamai-cps:edgerc"] });
      const created = await other.create(dynamicUrn("cfg"), { __provider: providerText, name: "cfg", value: 0 });
      if (created.status !== "created") throw new Error(created.message);
      expect(created.properties.configSeen).toBe("/secret/path");
    } finally {
      await other.stop();
    }
  });

  it("evaluates the serialized text, which requires node_modules modules instead of copying them", async () => {
    const text = await serializeProviderFromModule({
      cwd: projectRoot,
      module: path.join(__dirname, "../harness/fixtures/capturesModuleProvider.js"),
    });
    expect(text).toMatch(/require\("semver(\/[\w./-]+)?"\)/);
    expect(text).not.toContain("class SemVer");
    expect(text.length).toBeLessThan(5000);
    const created = await host.create(dynamicUrn("semver"), { __provider: text, version: "1.2.3" });
    expect(created).toMatchObject({ status: "created", id: "v1.3.0" });
  });
});
