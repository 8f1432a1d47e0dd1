import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { X509Certificate, createHash } from "node:crypto";
import { createZoneStore } from "../../emulator/dns/zone-store";
import { startDnsServer, type DnsServer } from "../../emulator/dns/server";
import { createDomainValidator } from "../../emulator/validation/domain-validator";
import { createBuiltinCa, type BuiltinCertificateAuthority } from "../../emulator/ca/builtin-ca";
import { createKeyFactory } from "../../emulator/pki/key-factory";
import { verifyChain } from "../../emulator/pki/chain";
import { createClock } from "../../emulator/clock";

const DAY = 24 * 60 * 60 * 1000;

describe("builtin CA: DV orders validated over real DNS and HTTP on loopback", () => {
  const store = createZoneStore();
  const clock = createClock();
  const served = new Map<string, { status: number; body?: string; location?: string }>();
  let dns: DnsServer;
  let web: http.Server;
  let ca: BuiltinCertificateAuthority;

  beforeAll(async () => {
    store.createZone("example.test");
    store.createZone("akamai-dcv.test");
    dns = await startDnsServer(store);
    // The test's "web server for every domain": answers by Host + path from `served`.
    web = http.createServer((request, response) => {
      const entry = served.get(`${(request.headers.host ?? "").toLowerCase()}${request.url ?? ""}`);
      if (!entry) return void response.writeHead(404).end("not here");
      response.writeHead(entry.status, entry.location ? { location: entry.location } : {}).end(entry.body ?? "");
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    const validator = createDomainValidator({ dnsServer: dns.address, httpPort: (web.address() as AddressInfo).port, timeoutMs: 2000 });
    ca = await createBuiltinCa({ validator, clock });
  });
  afterAll(async () => {
    await dns.close();
    await new Promise((resolve) => web.close(resolve));
    clock.close();
  });

  it("hands out ACME-shaped challenge values", async () => {
    const order = await ca.createDvOrder(["Values.Example.Test"]);
    const [challenge] = order.challenges;
    expect(challenge?.domain).toBe("values.example.test");
    expect(challenge?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge?.httpResponseBody).toBe(`${challenge?.token}.${ca.accountThumbprint}`);
    expect(challenge?.dnsTxtValue).toBe(createHash("sha256").update(challenge?.httpResponseBody ?? "").digest("base64url"));
    const untilExpiry = (challenge?.expires.getTime() ?? 0) - clock.now().getTime();
    expect(untilExpiry).toBeGreaterThan(7 * DAY - 60_000);
    expect(untilExpiry).toBeLessThanOrEqual(7 * DAY);
  });

  it("validates dns-01 once the TXT is published, then finalizes a leaf that chains to the root", async () => {
    const order = await ca.createDvOrder(["www.example.test", "example.test"]);
    const www = order.challenges.find((each) => each.domain === "www.example.test");
    const apex = order.challenges.find((each) => each.domain === "example.test");
    if (!www || !apex) throw new Error("missing challenges");

    const before = await order.validate("www.example.test");
    expect(before).toMatchObject({ ok: false, validationStatus: "DATA_NOT_READY", error: expect.stringContaining("NXDOMAIN") });

    store.upsert({ name: "_acme-challenge.www.example.test", type: "TXT", ttl: 60, rdata: [www.dnsTxtValue] });
    store.upsert({ name: "_acme-challenge.example.test", type: "TXT", ttl: 60, rdata: [apex.dnsTxtValue] });
    expect(await order.validate("www.example.test")).toEqual({ ok: true, challengeType: "dns-01" });
    expect(await order.validate("example.test")).toEqual({ ok: true, challengeType: "dns-01" });

    const key = await createKeyFactory().generate({ commonName: "www.example.test", sans: ["www.example.test", "example.test"], subject: { o: "Example" }, keyAlgorithm: "ECDSA" });
    const issued = await order.finalize(key.csrPem);
    const leaf = new X509Certificate(issued.certificatePem);
    expect(leaf.subject).toBe("CN=www.example.test");
    expect(leaf.subjectAltName).toBe("DNS:www.example.test, DNS:example.test");
    expect(verifyChain(issued.certificatePem, issued.trustChainPem, ca.rootsPem(), { at: new Date() })).toMatchObject({ ok: true });
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBe(90 * DAY);
  });

  it("explains a wrong TXT value with expected and found", async () => {
    const order = await ca.createDvOrder(["wrong.example.test"]);
    store.upsert({ name: "_acme-challenge.wrong.example.test", type: "TXT", ttl: 60, rdata: ["stale-value-from-last-time"] });
    const result = await order.validate("wrong.example.test");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.validationStatus).toBe("RESPONSE_ERROR");
    expect(result.error).toContain(`expected "${order.challenges[0]?.dnsTxtValue}"`);
    expect(result.error).toContain('found "stale-value-from-last-time"');
    await expect(order.finalize((await createKeyFactory().generate({ commonName: "wrong.example.test", sans: ["wrong.example.test"], subject: {}, keyAlgorithm: "ECDSA" })).csrPem)).rejects.toThrow(/not validated yet: wrong.example.test/);
  });

  it("validates http-01 served directly and through a redirect to another host", async () => {
    const order = await ca.createDvOrder(["web.example.test", "redirected.example.test"]);
    const web1 = order.challenges.find((each) => each.domain === "web.example.test");
    const web2 = order.challenges.find((each) => each.domain === "redirected.example.test");
    if (!web1 || !web2) throw new Error("missing challenges");
    store.upsert({ name: "web.example.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] });
    store.upsert({ name: "redirected.example.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] });
    store.upsert({ name: "dcv.akamai-dcv.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] });

    const notServed = await order.validate("web.example.test");
    expect(notServed).toMatchObject({ ok: false, validationStatus: "DATA_NOT_READY", error: expect.stringContaining("HTTP 404") });

    served.set(`web.example.test/.well-known/acme-challenge/${web1.token}`, { status: 200, body: `${web1.httpResponseBody}\n` });
    expect(await order.validate("web.example.test")).toEqual({ ok: true, challengeType: "http-01" });

    const redirectTarget = `http://dcv.akamai-dcv.test/.well-known/acme-challenge/${web2.token}`;
    served.set(`redirected.example.test/.well-known/acme-challenge/${web2.token}`, { status: 302, location: redirectTarget });
    served.set(`dcv.akamai-dcv.test/.well-known/acme-challenge/${web2.token}`, { status: 200, body: "not the right body" });
    const wrongBody = await order.validate("redirected.example.test");
    expect(wrongBody).toMatchObject({ ok: false, validationStatus: "RESPONSE_ERROR", error: expect.stringMatching(/after redirects .*dcv\.akamai-dcv\.test.*expected ".*", found "not the right body"/) });
    served.set(`dcv.akamai-dcv.test/.well-known/acme-challenge/${web2.token}`, { status: 200, body: web2.httpResponseBody });
    expect(await order.validate("redirected.example.test")).toEqual({ ok: true, challengeType: "http-01" });
  });

  it("reports an HTTP error status and a redirect loop", async () => {
    const order = await ca.createDvOrder(["broken.example.test"]);
    const challenge = order.challenges[0];
    if (!challenge) throw new Error("missing challenge");
    store.upsert({ name: "broken.example.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] });
    const path = `broken.example.test/.well-known/acme-challenge/${challenge.token}`;
    served.set(path, { status: 503, body: "maintenance" });
    expect(await order.validate("broken.example.test")).toMatchObject({ ok: false, validationStatus: "RESPONSE_ERROR", error: expect.stringContaining("HTTP 503") });
    served.set(path, { status: 301, location: `http://broken.example.test/.well-known/acme-challenge/${challenge.token}` });
    expect(await order.validate("broken.example.test")).toMatchObject({ ok: false, error: expect.stringContaining("more than 5 redirects") });
  });

  it("expires tokens after 7 days of emulator time", async () => {
    const order = await ca.createDvOrder(["late.example.test"]);
    const challenge = order.challenges[0];
    if (!challenge) throw new Error("missing challenge");
    clock.advance(7 * DAY + 1000);
    store.upsert({ name: "_acme-challenge.late.example.test", type: "TXT", ttl: 60, rdata: [challenge.dnsTxtValue] });
    expect(await order.validate("late.example.test")).toMatchObject({ ok: false, validationStatus: "TOKEN_EXPIRED", error: expect.stringContaining("expired") });
  });

  it("issues OV/EV certificates directly", async () => {
    const key = await createKeyFactory().generate({ commonName: "ov.example.test", sans: ["ov.example.test"], subject: { o: "Example" }, keyAlgorithm: "RSA" });
    const issued = await ca.issue(key.csrPem);
    expect(new X509Certificate(issued.certificatePem).subjectAltName).toBe("DNS:ov.example.test");
    expect(verifyChain(issued.certificatePem, issued.trustChainPem, ca.rootsPem())).toMatchObject({ ok: true });
  });
});
