import { createZoneStore } from "../../emulator/dns/zone-store";
import { startDnsServer, type DnsServer } from "../../emulator/dns/server";
import { addresses, queryDns, txtValues } from "../../emulator/dns/client";
import { handleEdgeDnsRequest } from "../../emulator/dns/edge-dns-api";

describe("authoritative DNS server on loopback", () => {
  const store = createZoneStore();
  let server: DnsServer;

  beforeAll(async () => {
    store.createZone("example.test");
    store.upsert({ name: "_acme-challenge.www.example.test", type: "TXT", ttl: 60, rdata: ['"token-value-1"', "unquoted value"] });
    store.upsert({ name: "www.example.test", type: "A", ttl: 300, rdata: ["127.0.0.1"] });
    store.upsert({ name: "www.example.test", type: "AAAA", ttl: 300, rdata: ["::1"] });
    store.upsert({ name: "alias.example.test", type: "CNAME", ttl: 300, rdata: ["www.example.test."] });
    store.upsert({ name: "long.example.test", type: "TXT", ttl: 60, rdata: ["x".repeat(600)] });
    server = await startDnsServer(store);
  });
  afterAll(() => server.close());

  it.each([false, true])("answers TXT (tcp=%s), case-insensitively, with the joined values", async (tcp) => {
    const result = await queryDns(server.address, "_ACME-Challenge.WWW.Example.Test.", "TXT", { tcp, timeoutMs: 2000 });
    expect(result.ok).toBe(true);
    if (result.ok) expect(txtValues(result.answers).sort()).toEqual(["token-value-1", "unquoted value"]);
  });

  it("answers A and AAAA, and follows a CNAME inside the zone", async () => {
    const a = await queryDns(server.address, "www.example.test", "A");
    const aaaa = await queryDns(server.address, "www.example.test", "AAAA", { tcp: true });
    const alias = await queryDns(server.address, "alias.example.test", "A");
    expect(a.ok && addresses(a.answers)).toEqual(["127.0.0.1"]);
    expect(aaaa.ok && addresses(aaaa.answers)).toEqual(["::1"]);
    expect(alias.ok && addresses(alias.answers)).toEqual(["127.0.0.1"]);
    expect(alias.ok && alias.allAnswers.map((answer) => answer.type)).toEqual(["CNAME", "A"]);
  });

  it.each([false, true])("distinguishes NXDOMAIN from NODATA (tcp=%s)", async (tcp) => {
    expect(await queryDns(server.address, "missing.example.test", "TXT", { tcp })).toMatchObject({ ok: false, kind: "NXDOMAIN" });
    expect(await queryDns(server.address, "www.example.test", "TXT", { tcp })).toMatchObject({ ok: false, kind: "NODATA" });
    expect(await queryDns(server.address, "_acme-challenge.example.test", "TXT", { tcp })).toMatchObject({ ok: false, kind: "NXDOMAIN" });
    // An empty non-terminal (only a child has records) exists: NODATA, not NXDOMAIN.
    store.upsert({ name: "a.b.example.test", type: "A", ttl: 60, rdata: ["127.0.0.2"] });
    expect(await queryDns(server.address, "b.example.test", "A", { tcp })).toMatchObject({ ok: false, kind: "NODATA" });
  });

  it("refuses names outside its zones and sets AA on its own answers", async () => {
    expect(await queryDns(server.address, "www.elsewhere.test", "A")).toMatchObject({ ok: false, kind: "REFUSED" });
    expect(await queryDns(server.address, "www.example.test", "A")).toMatchObject({ ok: true, authoritative: true });
  });

  it("serves a TXT longer than 255 bytes, falling back to TCP when UDP truncates", async () => {
    const result = await queryDns(server.address, "long.example.test", "TXT");
    expect(result.ok && txtValues(result.answers)).toEqual(["x".repeat(600)]);
  });

  it("reports a timeout for a server that never answers", async () => {
    const silent = await import("node:dgram").then((dgram) => dgram.createSocket("udp4"));
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const result = await queryDns(`127.0.0.1:${silent.address().port}`, "www.example.test", "A", { timeoutMs: 150 });
      expect(result).toMatchObject({ ok: false, kind: "TIMEOUT" });
    } finally {
      silent.close();
    }
  });
});

describe("Edge DNS recordset API shape", () => {
  it("creates a zone, then creates, reads, replaces and deletes a record set that the DNS server serves", async () => {
    const store = createZoneStore();
    const server = await startDnsServer(store);
    try {
      expect(handleEdgeDnsRequest(store, "POST", "/config-dns/v2/zones?contractId=C-0N7RAC7", { zone: "shop.test", type: "primary" })).toMatchObject({ status: 201, body: { zone: "shop.test", contractId: "C-0N7RAC7" } });
      expect(handleEdgeDnsRequest(store, "POST", "/config-dns/v2/zones?contractId=C-0N7RAC7", { zone: "shop.test", type: "primary" })).toMatchObject({ status: 409, contentType: "application/problem+json" });
      const path = "/config-dns/v2/zones/shop.test/names/_acme-challenge.shop.test/types/TXT";
      const created = handleEdgeDnsRequest(store, "POST", path, { name: "_acme-challenge.shop.test", type: "TXT", ttl: 60, rdata: ["first"] });
      expect(created).toMatchObject({ status: 201, body: { name: "_acme-challenge.shop.test", type: "TXT", ttl: 60, rdata: ['"first"'] } });
      expect(handleEdgeDnsRequest(store, "POST", path, { name: "_acme-challenge.shop.test", type: "TXT", ttl: 60, rdata: ["again"] }).status).toBe(409);
      expect(handleEdgeDnsRequest(store, "GET", path, undefined)).toMatchObject({ status: 200, body: { rdata: ['"first"'] } });
      let answer = await queryDns(server.address, "_acme-challenge.shop.test", "TXT");
      expect(answer.ok && txtValues(answer.answers)).toEqual(["first"]);

      expect(handleEdgeDnsRequest(store, "PUT", path, { name: "_acme-challenge.shop.test", type: "TXT", ttl: 120, rdata: ['"second"'] })).toMatchObject({ status: 200, body: { ttl: 120, rdata: ['"second"'] } });
      answer = await queryDns(server.address, "_acme-challenge.shop.test", "TXT", { tcp: true });
      expect(answer.ok && txtValues(answer.answers)).toEqual(["second"]);

      expect(handleEdgeDnsRequest(store, "DELETE", path, undefined)).toEqual({ status: 204 });
      expect(handleEdgeDnsRequest(store, "GET", path, undefined)).toMatchObject({ status: 404, body: { type: expect.stringContaining("not-found"), title: "Not Found", status: 404, detail: expect.stringContaining("_acme-challenge.shop.test") } });
      expect(await queryDns(server.address, "_acme-challenge.shop.test", "TXT")).toMatchObject({ ok: false, kind: "NXDOMAIN" });
    } finally {
      await server.close();
    }
  });

  it("rejects bodies that do not match the path or the type, and names outside the zone", () => {
    const store = createZoneStore();
    store.createZone("shop.test");
    const path = "/config-dns/v2/zones/shop.test/names/www.shop.test/types/A";
    expect(handleEdgeDnsRequest(store, "POST", path, { name: "other.shop.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("must match the path") } });
    expect(handleEdgeDnsRequest(store, "POST", path, { name: "www.shop.test", type: "A", ttl: 60, rdata: ["not-an-ip"] })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("IPv4") } });
    expect(handleEdgeDnsRequest(store, "POST", path, { name: "www.shop.test", type: "A", ttl: 60 })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("rdata") } });
    expect(handleEdgeDnsRequest(store, "PUT", path, { name: "www.shop.test", type: "A", ttl: 60, rdata: ["127.0.0.1"] }).status).toBe(404);
    expect(handleEdgeDnsRequest(store, "GET", "/config-dns/v2/zones/shop.test/names/www.other.test/types/A", undefined).status).toBe(400);
    expect(handleEdgeDnsRequest(store, "GET", "/config-dns/v2/zones/nowhere.test/names/www.nowhere.test/types/A", undefined)).toMatchObject({ status: 404, body: { detail: "Zone nowhere.test does not exist" } });
    expect(handleEdgeDnsRequest(store, "POST", "/config-dns/v2/zones", { zone: "x.test", type: "primary" })).toMatchObject({ status: 400, body: { detail: expect.stringContaining("contractId") } });
  });
});
