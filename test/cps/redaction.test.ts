/**
 * No credential is echoed back: a gateway or proxy that reflects the request's Authorization header
 * in its error body must not get the client token, access token, secret or signature into the error
 * the CLI prints or into a log line; and with NODE_TLS_REJECT_UNAUTHORIZED=0 the client refuses to
 * send credentials to a server whose certificate it did not verify.
 */
import { CpsApiError, CpsClient, CpsConfigError } from "../../provider/cps";
import { testClient } from "./support/client-factory";
import { FakeCpsServer, TEST_CREDENTIALS, type RecordedRequest } from "./support/fake-cps-server";

let server: FakeCpsServer;
beforeAll(async () => {
  server = await FakeCpsServer.start();
});
afterAll(async () => {
  await server.stop();
});

function authorizationOf(r: RecordedRequest): string {
  const h = r.headers.authorization;
  return Array.isArray(h) ? h.join(",") : (h ?? "");
}

/** Everything that could reach the user: message, fields, the problem body, the stack, the logs. */
function leakedText(error: unknown, logs: Array<{ message: string }>): string {
  const e = error as CpsApiError;
  return [e.message, e.title, e.detail, e.instance, e.stack, JSON.stringify(e.problem ?? null), ...logs.map((l) => l.message)].join("\n");
}

function expectNoCredential(text: string, signature: string): void {
  expect(text).not.toContain(TEST_CREDENTIALS.clientToken);
  expect(text).not.toContain(TEST_CREDENTIALS.accessToken);
  expect(text).not.toContain(TEST_CREDENTIALS.clientSecret);
  expect(signature.length).toBeGreaterThan(20);
  expect(text).not.toContain(signature);
}

describe("credentials reflected by a gateway are redacted", () => {
  it("in a problem+json detail and title, the error, its problem body and the retry log", async () => {
    server.reset((r) => ({
      status: 502,
      headers: { "content-type": "application/problem+json" },
      body: { type: "gateway-error", title: `Bad gateway for ${authorizationOf(r)}`, detail: `upstream refused request with Authorization: ${authorizationOf(r)}` },
    }));
    const { client, logs } = testClient(server, { retry: { maxAttempts: 2 } });
    const error = await client.getChangeHistory(1).catch((e: unknown) => e);
    client.close();
    expect(error).toBeInstanceOf(CpsApiError);
    const signature = /signature=([^;]+)/.exec(authorizationOf(server.requests.at(-1)!))![1]!;
    const text = leakedText(error, logs);
    expectNoCredential(text, signature);
    expect((error as CpsApiError).detail).toMatch(/client_token=\[redacted\].*access_token=\[redacted\]/);
    expect(logs.some((l) => l.message.includes("retrying"))).toBe(true);
  });

  it("in a plain-text body snippet that echoes the header without field names", async () => {
    server.reset((r) => ({ status: 400, headers: { "content-type": "text/plain" }, body: `bad header: ${authorizationOf(r).replace(/client_token=|access_token=/g, "")} / ${TEST_CREDENTIALS.clientSecret}` }));
    const { client, logs } = testClient(server, { retry: { maxAttempts: 1 } });
    const error = await client.getChangeHistory(1).catch((e: unknown) => e);
    client.close();
    const signature = /signature=([^;]+)/.exec(authorizationOf(server.requests.at(-1)!))![1]!;
    expectNoCredential(leakedText(error, logs), signature);
    expect((error as Error).message).toContain("[redacted]");
  });
});

describe("NODE_TLS_REJECT_UNAUTHORIZED=0", () => {
  it("is refused before any request, naming the variable and the way to trust a private CA", async () => {
    const before = server.requests.length;
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    let thrown: unknown;
    try {
      thrown = (() => {
        try {
          testClient(server);
          return undefined;
        } catch (e) {
          return e;
        }
      })();
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
    }
    expect(thrown).toBeInstanceOf(CpsConfigError);
    expect((thrown as Error).message).toMatch(/NODE_TLS_REJECT_UNAUTHORIZED=0 is set.*caCertPath/s);
    expect(thrown).toMatchObject({ code: "CredentialsSentUnverified" });
    expect(server.requests.length).toBe(before);
  });

  it("any other value (or none) verifies as usual", async () => {
    server.reset(() => ({ body: { changes: [] } }));
    const client = CpsClient.create({ host: server.host, ...TEST_CREDENTIALS, caCertPem: server.certPem, env: {}, edgercPath: "/nonexistent" });
    await expect(client.getChangeHistory(1)).resolves.toEqual({ changes: [] });
    client.close();
  });
});
