/**
 * SecureEdgeHostname's decisions against the in-memory CPS/PAPI: what preview plans, an edge
 * hostname another tool made is never taken over, a lost create answer is not posted twice, and a
 * delete PAPI refuses says what to do.
 */
import "reflect-metadata";
import { webcrypto } from "crypto";
import * as x509 from "@peculiar/x509";
import { defineResource } from "../../../provider/resources/define-resource";
import { secureEdgeHostnameProvider } from "../../../provider/resources/secure-edge-hostname";
import { FakeCps, fakeContext } from "../../support/fake-cps";

const given = { contractId: "K-1", groupId: "grp_1", productId: "prd_Fresca", enrollmentId: 10001, domainPrefix: "www.example.com", __cpsName: "www" };

async function setup() {
  const cps = new FakeCps();
  const ctx = fakeContext(cps, "www");
  cps.addEnrollment("K-1", {}, { id: 10001 });
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: "CN=www.example.com", keys, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } });
  cps.deploy(10001, "production", cert.toString("pem"));
  return { cps, ctx, provider: defineResource(secureEdgeHostnameProvider.definition, () => ctx) };
}

describe("SecureEdgeHostname", () => {
  it("a new name replaces it, deleting first (the new one would collide on the name); a new timeout updates it in place", async () => {
    const { provider, cps } = await setup();
    const olds = { ...given, secureNetwork: "enhanced-tls", ipVersionBehavior: "IPV6_COMPLIANCE", edgeHostnameId: "ehn_1", domainSuffix: "edgekey.net" };
    expect(await provider.diff("ehn_1", olds, { ...given, domainPrefix: "shop.example.com" })).toEqual({ changes: true, replaces: ["domainPrefix"], deleteBeforeReplace: true });
    expect(await provider.diff("ehn_1", olds, { ...given, timeout: "45m" })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    expect(await provider.diff("ehn_1", olds, given)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: true });
    expect(cps.requests).toEqual([]);
  });

  it("creates it once the certificate is on production", async () => {
    const { provider, cps } = await setup();
    const { id, outs } = await provider.create(given);
    expect(outs).toMatchObject({ edgeHostname: "www.example.com.edgekey.net", edgeHostnameId: id, status: "ACTIVE" });
    expect(cps.count("POST /papi/v1/edgehostnames")).toBe(1);
  });

  it("never takes over an edge hostname with the name that is not in this stack's state, and posts nothing", async () => {
    const { provider, cps } = await setup();
    cps.hostnames.set("ehn_77", { edgeHostnameId: "ehn_77", edgeHostnameDomain: "www.example.com.edgekey.net", domainPrefix: "www.example.com", domainSuffix: "edgekey.net", status: "ACTIVE" });
    await expect(provider.create(given)).rejects.toThrow(/edge hostname www\.example\.com\.edgekey\.net already exists \(ehn_77, status ACTIVE\) and is not in this stack's state/);
    expect(cps.count("POST /papi/v1/edgehostnames")).toBe(0);
  });

  it("continues with the edge hostname a POST created when its answer was lost, without a second POST", async () => {
    const { provider, cps, ctx } = await setup();
    cps.failNext("createEdgeHostname", { kind: "lost" });
    const { id } = await provider.create(given);
    expect(id).toBe("ehn_1");
    expect(cps.count("POST /papi/v1/edgehostnames")).toBe(1);
    expect(ctx.lines.join("\n")).toContain("the create answer was lost, but www.example.com.edgekey.net (ehn_1) exists: continuing with it");
  });

  it("says how to free an edge hostname an active property still uses when PAPI refuses the delete", async () => {
    const { provider, cps } = await setup();
    cps.failNext("deleteEdgeHostname", { kind: "status", status: 409, detail: "in use by property www" });
    // A standard-TLS edge hostname (no enrollment behind it): only PAPI's answer decides.
    const { enrollmentId: _none, ...standard } = given;
    await expect(provider.delete("ehn_1", { ...standard, secureNetwork: "standard-tls", domainSuffix: "edgesuite.net" })).rejects.toThrow(/Akamai refused to delete edge hostname www\.example\.com\.edgesuite\.net: in use by property www\. .*remove it from the property's hostnames and activate the property/);
  });

  it("reads as gone once the edge hostname no longer exists", async () => {
    const { provider } = await setup();
    expect(await provider.read("ehn_9", { ...given, edgeHostnameId: "ehn_9", domainSuffix: "edgekey.net" })).toEqual({ id: "", props: {} });
  });
});
