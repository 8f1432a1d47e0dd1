import * as fs from "fs";
import * as path from "path";
import { CPS_ROOT } from "./contract";
import { dvEnrollment, lastId, startHarness, T, type Harness } from "./harness";
import { edgegridTimestamp, waitFor } from "./signer";

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side reading of validated JSON

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ createThrottle: true });
});
afterAll(async () => {
  await h?.stop();
});

const example = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(CPS_ROOT, "examples", name), "utf8"));
const errorType = (r: { body: unknown }): string => String((r.body as J).type);

async function create(body: unknown, contract: string, extra = ""): Promise<{ status: number; body: J }> {
  const r = await h.client.request("POST", `/cps/v2/enrollments?contractId=${contract}${extra}`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body });
  return { status: r.status, body: r.body as J };
}

describe("authentication (gateway problems)", () => {
  const target = "/cps/v2/enrollments?contractId=K-1";
  const accept = T("enrollments", 11);
  it("400 request-error without an Authorization header", async () => {
    const r = await h.client.request("GET", target, { accept, authorization: null });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ type: "https://problems.luna.akamaiapis.net/-/pep-authn/request-error", detail: "Authorization header missing", status: 400, method: "GET" });
  });
  it("401 deny for an unknown client token", async () => {
    const r = await h.client.request("GET", target, { accept, authorization: "EG1-HMAC-SHA256 client_token=akab-nope;access_token=akab-nope;timestamp=20240101T00:00:00+0000;nonce=n;signature=x" });
    expect(r.status).toBe(401);
    expect(errorType(r)).toBe("https://problems.luna.akamaiapis.net/-/pep-authn/deny");
  });
  it("401 deny for a bad signature", async () => {
    const r = await h.client.request("GET", target, { accept, sign: { secret: "wrong-secret" } });
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ type: "https://problems.luna.akamaiapis.net/-/pep-authn/deny", detail: "The signature does not match" });
  });
  it("401 deny for a timestamp outside the window", async () => {
    const r = await h.client.request("GET", target, { accept, sign: { timestamp: edgegridTimestamp(new Date(Date.now() - 10 * 60_000)) } });
    expect(r.status).toBe(401);
    expect((r.body as J).detail).toBe("Invalid timestamp");
  });
  it("401 deny for a replayed nonce", async () => {
    const sign = { nonce: "11111111-2222-4333-8444-555555555555", timestamp: edgegridTimestamp() };
    expect((await h.client.request("GET", target, { accept, sign })).status).toBe(200);
    const r = await h.client.request("GET", target, { accept, sign });
    expect(r.status).toBe(401);
    expect((r.body as J).detail).toBe("Replayed nonce");
  });
  it("signs POST bodies: a body changed after signing is denied", async () => {
    const body = JSON.stringify(dvEnrollment("tamper.example"));
    const { signRequest } = await import("./signer");
    const auth = signRequest(h.client.credentials, "POST", "/cps/v2/enrollments?contractId=K-9", body);
    const r = await h.client.request("POST", "/cps/v2/enrollments?contractId=K-9", { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), rawBody: body.replace("tamper", "tamperx"), authorization: auth });
    expect(r.status).toBe(401);
  });
});

describe("content negotiation", () => {
  it("406 when no supported version is acceptable; parameters are ignored", async () => {
    const r = await h.client.request("GET", "/cps/v2/enrollments?contractId=K-1", { accept: T("enrollments", 99) });
    expect(r.status).toBe(406);
    expect(errorType(r)).toMatch(/\/cps\/v2\/error-types\/not-acceptable$/);
    expect((await h.client.request("GET", "/cps/v2/enrollments?contractId=K-1", { accept: "application/json" })).status).toBe(406);
    const ok = await h.client.request("GET", "/cps/v2/enrollments?contractId=K-1", { accept: `${T("enrollments", 12)}; charset=utf-8` });
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe(T("enrollments", 12));
  });
  it("415 for a wrong request body type", async () => {
    const r = await h.client.request("POST", "/cps/v2/enrollments?contractId=K-1", { accept: T("enrollment-status", 1), contentType: "application/json", body: dvEnrollment("x.example") });
    expect(r.status).toBe(415);
    expect(errorType(r)).toMatch(/\/error-types\/unsupported-media-type$/);
  });
});

describe("request bodies are validated against the version sent", () => {
  const cases: Array<[string, unknown]> = [
    ["missing required member", (({ changeManagement: _drop, ...rest }) => rest)(dvEnrollment("a.example"))],
    ["unknown member (additionalProperties false)", { ...dvEnrollment("a.example"), colour: "blue" }],
    ["enum violation", { ...dvEnrollment("a.example"), ra: "digicert" }],
    ["v12 minLength", dvEnrollment("", [])],
  ];
  for (const [name, body] of cases) {
    it(`400 bad-request: ${name}`, async () => {
      const r = await create(body, "K-V");
      expect(r.status).toBe(400);
      expect(String(r.body.type)).toMatch(/\/cps\/v2\/error-types\/bad-request$/);
      expect(String(r.body.instance)).toMatch(/\?id=[0-9a-f]{32}$/);
    });
  }
  it("orgId is an integer and preferredTrustChain is never null (Akamai's v11/v12 schemas)", async () => {
    const asString = { ...dvEnrollment("orgid.example"), orgId: "42" };
    expect((await h.client.request("POST", "/cps/v2/enrollments?contractId=K-V", { accept: T("enrollment-status", 1), contentType: T("enrollment", 11), body: asString })).status).toBe(400);
    const nullChain = dvEnrollment("chain.example");
    (nullChain.csr as J).preferredTrustChain = null;
    expect((await h.client.request("POST", "/cps/v2/enrollments?contractId=K-V", { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body: nullChain })).status).toBe(400);
  });
  it("fipsMode is v12 only", async () => {
    const body = dvEnrollment("fips.example");
    (body.networkConfiguration as J).fipsMode = true;
    const r = await h.client.request("POST", "/cps/v2/enrollments?contractId=K-V", { accept: T("enrollment-status", 1), contentType: T("enrollment", 11), body });
    expect(r.status).toBe(400);
  });
});

describe("official example request bodies are accepted", () => {
  // The examples' certificates are elided ("<sample - removed>"): a real edge refuses to deploy them
  // once acknowledged, so this walk through the request bodies runs on the stand-in edges.
  let examples: Harness;
  beforeAll(async () => {
    examples = await startHarness({ standIns: true });
  });
  afterAll(async () => {
    await examples?.stop();
  });
  it("create-enrollment v4 and v9, update-enrollment v4, acknowledgements, certificate uploads v1/v2", async () => {
    const h = examples;
    for (const [file, v, contract] of [["create-enrollment.v9.json", 9, "K-E1"], ["create-enrollment.v4-w-3p-sni-cm.json", 4, "K-E2"]] as const) {
      const r = await h.client.request("POST", `/cps/v2/enrollments?contractId=${contract}`, { accept: T("enrollment-status", 1), contentType: T("enrollment", v), body: example(file) });
      expect([file, r.status, r.text]).toEqual([file, 202, expect.any(String)]);
    }
    const created = await h.client.request("GET", "/cps/v2/enrollments?contractId=K-E2", { accept: T("enrollments", 12) });
    const e = Number(((created.body as J).enrollments[0] as J).id);
    const update = await h.client.request("PUT", `/cps/v2/enrollments/${e}?allow-cancel-pending-changes=true`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 4), body: example("update-enrollment.v4-w-3p-sni-cm.json") });
    expect(update.status).toBe(202);
    const c = lastId((update.body as J).changes[0]);
    const url = `/cps/v2/enrollments/${e}/changes/${c}`;
    await waitFor("wait-upload-third-party", async () => (((await h.client.request("GET", url, { accept: T("change", 1) })).body as J).statusInfo.status === "wait-upload-third-party" ? true : undefined));
    const upload = await h.client.request("POST", `${url}/input/update/third-party-cert-and-trust-chain`, { accept: T("change-id", 1), contentType: T("certificate-and-trust-chain", 2), body: example("certificate-and-trust-chain.v2-3p.json") });
    expect(upload.status).toBe(200);
    // the sample PEMs are elided ("<sample - removed>") so they surface as post-verification warnings, not as a silent acceptance
    await waitFor("review", async () => (((await h.client.request("GET", url, { accept: T("change", 2) })).body as J).statusInfo.status === "wait-review-third-party-cert" ? true : undefined));
    expect((await h.client.request("POST", `${url}/input/update/post-verification-warnings-ack`, { accept: T("change-id", 1), contentType: T("acknowledgement", 1), body: example("acknowledgement.v1-acknowledge.json") })).status).toBe(200);
    await waitFor("change management", async () => (((await h.client.request("GET", url, { accept: T("change", 2) })).body as J).statusInfo.status === "wait-ack-change-management" ? true : undefined));
    // the example's hash is not this change's hash: refused; the plain acknowledgement is accepted
    expect((await h.client.request("POST", `${url}/input/update/change-management-ack`, { accept: T("change-id", 1), contentType: T("acknowledgement-with-hash", 1), body: example("acknowledgement-with-hash.v1-acknowledge.json") })).status).toBe(409);
    expect((await h.client.request("POST", `${url}/input/update/change-management-ack`, { accept: T("change-id", 1), contentType: T("acknowledgement", 1), body: example("acknowledgement.v1-acknowledge.json") })).status).toBe(200);
    const v1Upload = await h.client.request("POST", `${url}/input/update/third-party-cert-and-trust-chain`, { accept: T("change-id", 1), contentType: T("certificate-and-trust-chain", 1), body: example("certificate-and-trust-chain.v1-3p.json") });
    expect(v1Upload.status).toBe(409); // parsed fine, but the change no longer accepts an upload
    expect(errorType(v1Upload)).toMatch(/invalid-enrollment-state$/);
  });
});

describe("conflicts and immutable fields", () => {
  it("409 cannot-cancel-pending-change without allow-cancel-pending-changes; 400 when sniOnly changes", async () => {
    const r = await create(dvEnrollment("pending.example"), "K-P");
    expect(r.status).toBe(202);
    const e = lastId(r.body.enrollment);
    const changed = dvEnrollment("pending.example", ["more.pending.example"]);
    const put = await h.client.request("PUT", `/cps/v2/enrollments/${e}`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body: changed });
    expect(put.status).toBe(409);
    expect(put.body).toMatchObject({ title: "Cannot cancel pending change.", detail: "There is a pending change on the enrollment." });
    expect(errorType(put)).toMatch(/\/cps\/v2\/error-types\/cannot-cancel-pending-change$/);
    expect((await h.client.request("DELETE", `/cps/v2/enrollments/${e}`, { accept: T("enrollment-status", 1) })).status).toBe(409);

    const sni = dvEnrollment("pending.example");
    (sni.networkConfiguration as J).sniOnly = false;
    const bad = await h.client.request("PUT", `/cps/v2/enrollments/${e}?allow-cancel-pending-changes=true`, { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body: sni });
    expect(bad.status).toBe(400);
    expect((bad.body as J).detail).toMatch(/sniOnly/);
    // nothing deployed yet: DELETE with the flag is immediate (200) and the enrollment is gone
    expect((await h.client.request("DELETE", `/cps/v2/enrollments/${e}?allow-cancel-pending-changes=true`, { accept: T("enrollment-status", 1) })).status).toBe(200);
    const gone = await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 12) });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ type: expect.stringMatching(/error-types\/not-found$/), title: "Not Found", instance: expect.stringMatching(/\?id=[0-9a-f]{32}$/) });
  });

  it("409 for a duplicate CN unless allow-duplicate-cn (or allowDuplicateCN); the create throttle answers 409", async () => {
    expect((await create(dvEnrollment("dup.example"), "K-D")).status).toBe(202);
    const dup = await create(dvEnrollment("dup.example"), "K-D");
    expect(dup.status).toBe(409);
    expect(String(dup.body.type)).toMatch(/duplicate-common-name$/);
    // the same contract inside five minutes: throttled
    const throttled = await create(dvEnrollment("dup.example"), "K-D", "&allow-duplicate-cn=true");
    expect(throttled.status).toBe(409);
    expect(String(throttled.body.type)).toMatch(/enrollment-creation-throttled$/);
    await h.admin("POST", "/clock/advance", { ms: 5 * 60_000 + 1000 });
    expect((await create(dvEnrollment("dup.example"), "K-D", "&allowDuplicateCN=true")).status).toBe(202);
  });

  it("404 for a network with nothing deployed and for unknown changes", async () => {
    const r = await create(dvEnrollment("nodeploy.example"), "K-N");
    const e = lastId(r.body.enrollment);
    expect((await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments/staging`, { accept: T("deployment", 8) })).status).toBe(404);
    expect((await h.client.request("GET", `/cps/v2/enrollments/${e}/changes/1`, { accept: T("change", 2) })).status).toBe(404);
    const list = await h.client.request("GET", `/cps/v2/enrollments/${e}/deployments`, { accept: T("deployments", 8) });
    expect(list.body).toEqual({ production: null, staging: null });
  });
});
