/**
 * DV http-01 served by a test HTTP server on loopback (the emulator's "port 80" is that server's
 * port, A records point at 127.0.0.1), including a redirect to a redirectFullPath-style URL, and
 * failures with each reason a user can act on, as CPS shows them in dv[].validationStatus/error.
 */
import { acknowledgeChallenges, createDv, DV_STATUS, input, startE2e, startHttpServer, waitFor, waitStatus, type E2e } from "./helpers";

let e2e: E2e;
let web: Awaited<ReturnType<typeof startHttpServer>>;
/** What the test web server answers, by `host path`. */
const answers = new Map<string, { status: number; body?: string; location?: string }>();

beforeAll(async () => {
  web = await startHttpServer((req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const answer = answers.get(`${host} ${req.url ?? ""}`) ?? { status: 404, body: "not here" };
    res.writeHead(answer.status, { "content-type": "text/plain", ...(answer.location ? { location: answer.location } : {}) });
    res.end(answer.body ?? "");
  });
  e2e = await startE2e({ httpPort: web.port });
  expect((await e2e.admin("POST", "/dns/zones", { zone: "site.test" })).status).toBe(201);
  for (const name of ["web.site.test", "dcv.site.test", "err.site.test"]) {
    expect((await e2e.admin("PUT", "/dns/records", { name, type: "A", ttl: 60, rdata: ["127.0.0.1"] })).status).toBe(200);
  }
});
afterAll(async () => {
  await e2e?.stop();
  await web?.close();
});

describe("DV http-01", () => {
  it("follows a redirect to a redirectFullPath-style URL and issues", async () => {
    const { enrollmentId, changeId } = await createDv(e2e, "web.site.test");
    const coordinating = await waitStatus(e2e, enrollmentId, changeId, DV_STATUS);
    const domain = (await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"))).dv[0];
    const http01 = domain?.challenges.find((c) => c.type === "http-01");
    expect(http01?.fullPath).toBe(`http://web.site.test/.well-known/acme-challenge/${http01?.token}`);
    const redirectPath = new URL(http01?.redirectFullPath ?? "").pathname;
    expect(redirectPath).toBe(`/.well-known/acme-challenge/${http01?.token}`);

    // the site redirects its challenge path to a host that serves the token, as CPS suggests
    answers.set(`web.site.test ${new URL(http01?.fullPath ?? "").pathname}`, { status: 302, location: `http://dcv.site.test${redirectPath}` });
    answers.set(`dcv.site.test ${redirectPath}`, { status: 200, body: http01?.responseBody ?? "" });
    await acknowledgeChallenges(e2e, enrollmentId, changeId, coordinating);
    await waitStatus(e2e, enrollmentId, changeId, "complete");

    const history = await e2e.client.getDvHistory(enrollmentId);
    expect(JSON.stringify(history)).toContain("web.site.test");
  });

  it("shows why each domain fails: NXDOMAIN, no TXT, wrong TXT value, HTTP status", async () => {
    // a name that exists without a TXT record, and a TXT record with the wrong value
    await e2e.admin("PUT", "/dns/records", { name: "_acme-challenge.notxt.site.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] });
    await e2e.admin("PUT", "/dns/records", { name: "_acme-challenge.wrong.site.test", type: "TXT", ttl: 60, rdata: ['"not-the-value"'] });
    const { enrollmentId, changeId } = await createDv(e2e, "nx.site.test", ["notxt.site.test", "wrong.site.test", "err.site.test"]);
    const coordinating = await waitStatus(e2e, enrollmentId, changeId, DV_STATUS);
    const challenges = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
    const errToken = challenges.dv.find((d) => d.domain === "err.site.test")?.challenges.find((c) => c.type === "http-01")?.token;
    answers.set(`err.site.test /.well-known/acme-challenge/${errToken}`, { status: 500, body: "boom" });
    await e2e.client.acknowledgeDvChallenges(input(coordinating, "lets-encrypt-challenges"));

    const dv = await waitFor("every domain checked", async () => {
      const list = (await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"))).dv;
      return list.every((d) => d.error) ? new Map(list.map((d) => [d.domain, d])) : undefined;
    });
    expect(dv.get("nx.site.test")).toMatchObject({ validationStatus: "DATA_NOT_READY", error: expect.stringContaining("NXDOMAIN") });
    expect(dv.get("notxt.site.test")).toMatchObject({ validationStatus: "DATA_NOT_READY", error: expect.stringContaining("no TXT record") });
    expect(dv.get("wrong.site.test")).toMatchObject({ validationStatus: "RESPONSE_ERROR", error: expect.stringContaining("wrong value") });
    expect(dv.get("wrong.site.test")?.error).toContain('found "not-the-value"');
    expect(dv.get("err.site.test")).toMatchObject({ validationStatus: "RESPONSE_ERROR", error: expect.stringContaining("HTTP 500") });

    // the change keeps waiting for the user (not an error state)
    const status = await e2e.client.getChangeStatus(enrollmentId, changeId);
    expect(status.statusInfo.status).toBe(DV_STATUS);
    await e2e.client.cancelChange(enrollmentId, changeId);
  });
});
