/**
 * EdgeDnsTxtRecord stores exactly what was declared: read back with a real DNS query at the
 * emulator's authoritative server, each value is the declared text, split into character-strings
 * of at most 255 bytes. Observed before: a `"` at character 255 was cut from its escape (the value
 * changed), and newlines were dropped silently; now a control character is refused in check.
 */
import { Resolver } from "node:dns/promises";
import { startTestStack, TestStack } from "./fixtures";

jest.setTimeout(60_000);

const ZONE = "txt-exact.test";

describe("EdgeDnsTxtRecord stores exactly what was declared", () => {
  let stack: TestStack;
  let resolver: Resolver;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
    resolver = new Resolver({ timeout: 3000, tries: 2 });
    resolver.setServers([stack.emulator.dns!]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("serves quotes, backslashes, long and multi-byte values unchanged, in strings of at most 255 bytes", async () => {
    const values = [
      `${"a".repeat(254)}"quoted" after the 255th character`,
      `${"b".repeat(253)}\\\\ and a trailing backslash \\`,
      "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(12),
      `${"c".repeat(254)}é€😀 multi-byte across the boundary`,
    ];
    const name = `_acme-challenge.exact.${ZONE}`;
    const up = await stack.driver.up("EdgeDnsTxtRecord", "exact", { zone: ZONE, name, values, ttl: 60 });
    if (up.op === "failed") throw new Error(up.message);

    // Node hands TXT character-strings over byte for byte (one char per octet): the wire bytes.
    const answers = (await resolver.resolveTxt(name)).map((strings) => strings.map((s) => Buffer.from(s, "latin1")));
    expect(answers.map((strings) => Buffer.concat(strings).toString("utf8")).sort()).toEqual([...values].sort());
    for (const strings of answers) for (const s of strings) expect(s.length).toBeLessThanOrEqual(255);
    expect(answers.some((strings) => strings.length > 1)).toBe(true);

    // and refresh reads the same values back from the Edge DNS API: no drift
    expect(await stack.driver.refresh("exact")).toBe(true);
    expect([...(stack.driver.outputs("exact").values as string[])].sort()).toEqual([...values].sort());
  });

  it("refuses a value with a newline or another control character in check, before any API call", async () => {
    const before = stack.emulator.stats().requests;
    const refused = await stack.driver.preview("EdgeDnsTxtRecord", "multiline", { zone: ZONE, name: `multi.${ZONE}`, values: ["ok", "line one\nline two"], ttl: 60 });
    expect(refused.failures).toEqual([{ property: "values[1]", reason: expect.stringContaining("control character U+000a at position 8") }]);
    expect(stack.emulator.stats().requests).toBe(before);
  });
});
