import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CpsClient, CpsConfigError, parseEdgerc, resolveCredentials } from "../../provider/cps";

const SECRET = "very-secret-value-1234567890=";

describe("credentials", () => {
  let dir: string;
  let edgerc: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-creds-"));
    edgerc = path.join(dir, ".edgerc");
    fs.writeFileSync(
      edgerc,
      [
        "; a comment",
        "# another comment",
        "[default]",
        "host = https://akab-file.luna.akamaiapis.net/",
        "client_token = akab-file-ct",
        `client_secret = "${SECRET}"`,
        "access_token = akab-file-at ; inline comment",
        "max-body = 4096",
        "account_key = B-C-FILE",
        "",
        "[emulator]",
        "host = 127.0.0.1:8443",
        "client-token = emu-ct",
        "client_secret = 'emu-secret'",
        "access_token = emu-at",
        "",
        "[partial]",
        "host = akab-partial.luna.akamaiapis.net",
        "client_token = partial-ct",
      ].join("\n"),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("parses .edgerc: comments, quotes, inline comments, max-body, account_key, host normalised", () => {
    const creds = resolveCredentials({ edgercPath: edgerc, env: {} });
    expect(creds).toMatchObject({
      host: "akab-file.luna.akamaiapis.net",
      clientToken: "akab-file-ct",
      clientSecret: SECRET,
      accessToken: "akab-file-at",
      maxBody: 4096,
      accountKey: "B-C-FILE",
    });
  });

  it("reads a named section with a host:port and '-' keys", () => {
    expect(resolveCredentials({ edgercPath: edgerc, section: "emulator", env: {} })).toMatchObject({
      host: "127.0.0.1:8443",
      clientToken: "emu-ct",
      clientSecret: "emu-secret",
      maxBody: 131072,
    });
  });

  it("precedence: explicit fields win over env, env (complete set) wins over .edgerc", () => {
    const env = { AKAMAI_HOST: "env.example.net", AKAMAI_CLIENT_TOKEN: "env-ct", AKAMAI_CLIENT_SECRET: "env-secret", AKAMAI_ACCESS_TOKEN: "env-at", AKAMAI_ACCOUNT_KEY: "B-C-ENV" };
    expect(resolveCredentials({ edgercPath: edgerc, env })).toMatchObject({ host: "env.example.net", clientToken: "env-ct", accountKey: "B-C-ENV" });
    expect(resolveCredentials({ edgercPath: edgerc, env, host: "127.0.0.1:9", accountKey: "B-C-OPT" })).toMatchObject({
      host: "127.0.0.1:9",
      clientToken: "env-ct",
      accountKey: "B-C-OPT",
    });
  });

  it("an incomplete env set is ignored in favour of .edgerc", () => {
    expect(resolveCredentials({ edgercPath: edgerc, env: { AKAMAI_HOST: "env-only-host" } }).host).toBe("akab-file.luna.akamaiapis.net");
  });

  it("a named section uses AKAMAI_<SECTION>_* variables, not plain AKAMAI_*", () => {
    const env = {
      AKAMAI_HOST: "plain",
      AKAMAI_CLIENT_TOKEN: "plain",
      AKAMAI_CLIENT_SECRET: "plain",
      AKAMAI_ACCESS_TOKEN: "plain",
      AKAMAI_EMULATOR_HOST: "sect.example.net",
      AKAMAI_EMULATOR_CLIENT_TOKEN: "sect-ct",
      AKAMAI_EMULATOR_CLIENT_SECRET: "sect-secret",
      AKAMAI_EMULATOR_ACCESS_TOKEN: "sect-at",
    };
    expect(resolveCredentials({ edgercPath: edgerc, section: "emulator", env })).toMatchObject({ host: "sect.example.net", clientToken: "sect-ct" });
  });

  it("explicit complete credentials never touch the file", () => {
    expect(resolveCredentials({ host: "h.example", clientToken: "c", clientSecret: "s", accessToken: "a", edgercPath: "/nonexistent", env: {} }).source).toBe("explicit options");
  });

  it("names every missing item, where it looked, and never the secret", () => {
    let error: unknown;
    try {
      resolveCredentials({ edgercPath: edgerc, section: "partial", env: {}, clientSecret: SECRET });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CpsConfigError);
    const message = (error as Error).message;
    expect(message).toContain("access_token");
    expect(message).toContain("AKAMAI_PARTIAL_ACCESS_TOKEN");
    expect(message).not.toContain("client_secret (");
    expect(message).toContain("[partial]");
    expect(message).not.toContain(SECRET);
  });

  it("reports a missing file and a missing section", () => {
    expect(() => resolveCredentials({ edgercPath: path.join(dir, "nope"), env: {} })).toThrow(/No usable \.edgerc .*ENOENT/);
    expect(() => resolveCredentials({ edgercPath: edgerc, section: "nosuch", env: {} })).toThrow(/Section \[nosuch\] not found/);
    expect(() => resolveCredentials({ edgercPath: edgerc, section: "nosuch", env: {} })).toThrow(/missing host .*client_token .*client_secret .*access_token/);
    expect(() => resolveCredentials({ edgercPath: edgerc, section: "nosuch", env: {} })).toThrow(expect.objectContaining({ code: "CredentialsMissing" }));
  });

  it("CpsClient.create throws CpsConfigError synchronously and exposes the https base URL", () => {
    expect(() => CpsClient.create({ env: {}, edgercPath: path.join(dir, "nope") })).toThrow(CpsConfigError);
    const client = CpsClient.create({ edgercPath: edgerc, section: "emulator", env: {} });
    expect(client.baseUrl).toBe("https://127.0.0.1:8443");
    client.close();
  });

  it("rejects a host with a path", () => {
    expect(() => resolveCredentials({ host: "h.example/cps", clientToken: "c", clientSecret: "s", accessToken: "a", env: {} })).toThrow(CpsConfigError);
  });

  it("parseEdgerc keeps base64 padding and '#'/';' inside values", () => {
    const parsed = parseEdgerc("[s]\nclient_secret = abc;def==\nx=\"q;uoted\"\n");
    expect(parsed.get("s")?.get("client_secret")).toBe("abc;def==");
    expect(parsed.get("s")?.get("x")).toBe("q;uoted");
  });
});

describe("trusting the emulator's CA", () => {
  it("fails without the extra CA (no retries for certificate errors) and works with caCertPath", async () => {
    const { FakeCpsServer, TEST_CREDENTIALS } = await import("./support/fake-cps-server");
    const server = await FakeCpsServer.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-ca-"));
    try {
      server.reset(() => ({ body: { changes: [] } }));
      const base = { host: server.host, ...TEST_CREDENTIALS, env: {}, edgercPath: "/nonexistent" };
      const retries: string[] = [];
      const untrusting = CpsClient.create({ ...base, log: (_level, message) => retries.push(message) });
      await expect(untrusting.getChangeHistory(1)).rejects.toMatchObject({ name: "CpsNetworkError", code: "UntrustedCa" });
      expect(retries.filter((m) => m.startsWith("retrying"))).toEqual([]);
      untrusting.close();
      const caPath = path.join(dir, "ca.pem");
      fs.writeFileSync(caPath, server.certPem);
      const trusting = CpsClient.create({ ...base, caCertPath: caPath });
      await expect(trusting.getChangeHistory(1)).resolves.toEqual({ changes: [] });
      trusting.close();
      expect(server.requests).toHaveLength(1);
      expect(() => CpsClient.create({ ...base, caCertPath: path.join(dir, "missing.pem") })).toThrow(/caCertPath/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await server.stop();
    }
  });
});
