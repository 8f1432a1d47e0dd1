import { X509Certificate } from "node:crypto";
import { createZoneStore } from "../../emulator/dns/zone-store";
import { startDnsServer, type DnsServer } from "../../emulator/dns/server";
import { createAcmeCa } from "../../emulator/ca/acme-ca";
import { createKeyFactory } from "../../emulator/pki/key-factory";
import { verifyChain } from "../../emulator/pki/chain";
import type { CertificateAuthority } from "../../emulator/seams";
import { hasPebble, PEBBLE_BINARY, startPebble, type RunningPebble } from "../support/pebble";

if (!hasPebble) {
  // CI installs pebble (apt-get install pebble); locally the suite says plainly why it did not run.
  console.warn(`Skipping the ACME CA backend tests: ${PEBBLE_BINARY} is not installed (apt-get install -y pebble).`);
}
const describeWithPebble = hasPebble ? describe : describe.skip;

describeWithPebble("acme CA backend against a real pebble", () => {
  const store = createZoneStore();
  let dns: DnsServer;
  let pebble: RunningPebble;
  let ca: CertificateAuthority;

  beforeAll(async () => {
    store.createZone("acme.test");
    dns = await startDnsServer(store);
    pebble = await startPebble({ dnsServer: dns.address });
    ca = await createAcmeCa({ directoryUrl: pebble.directoryUrl, caCertPem: pebble.tlsCaPem, managementUrl: pebble.managementUrl, dnsServer: dns.address });
  });
  afterAll(async () => {
    await ca?.close();
    await pebble?.stop();
    await dns?.close();
  });

  it("exposes the CA's real dns-01 values, waits while nothing is published, then validates and finalizes a chain to pebble's root", async () => {
    const order = await ca.createDvOrder(["www.acme.test", "acme.test"]);
    expect(order.challenges.map((each) => each.domain).sort()).toEqual(["acme.test", "www.acme.test"]);
    for (const challenge of order.challenges) {
      expect(challenge.httpResponseBody).toMatch(new RegExp(`^${challenge.token}\\.[A-Za-z0-9_-]{43}$`));
      expect(challenge.dnsTxtValue).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }

    // Nothing published: the local pre-check answers without spending the one-shot ACME validation.
    expect(await order.validate("www.acme.test")).toMatchObject({ ok: false, validationStatus: "DATA_NOT_READY", error: expect.stringContaining("NXDOMAIN") });

    for (const challenge of order.challenges) {
      store.upsert({ name: `_acme-challenge.${challenge.domain}`, type: "TXT", ttl: 60, rdata: [challenge.dnsTxtValue] });
    }
    expect(await order.validate("www.acme.test")).toEqual({ ok: true, challengeType: "dns-01" });
    expect(await order.validate("acme.test")).toEqual({ ok: true, challengeType: "dns-01" });

    const key = await createKeyFactory().generate({ commonName: "www.acme.test", sans: ["www.acme.test", "acme.test"], subject: {}, keyAlgorithm: "ECDSA" });
    const issued = await order.finalize(key.csrPem);
    const leaf = new X509Certificate(issued.certificatePem);
    expect(leaf.subjectAltName?.split(", ").sort()).toEqual(["DNS:acme.test", "DNS:www.acme.test"]);
    expect(issued.trustChainPem).toContain("BEGIN CERTIFICATE");
    expect(verifyChain(issued.certificatePem, issued.trustChainPem, ca.rootsPem(), { at: new Date() })).toMatchObject({ ok: true });
  });

  it("reports the CA's own verdict when it rejects a challenge (no local pre-check)", async () => {
    const direct = await createAcmeCa({ directoryUrl: pebble.directoryUrl, caCertPem: pebble.tlsCaPem, rootsPem: ca.rootsPem() });
    const order = await direct.createDvOrder(["wrong.acme.test"]);
    store.upsert({ name: "_acme-challenge.wrong.acme.test", type: "TXT", ttl: 60, rdata: ["not-the-digest"] });
    const result = await order.validate("wrong.acme.test");
    expect(result).toMatchObject({ ok: false, validationStatus: "INVALIDATED", error: expect.stringMatching(/rejected the challenge.*Correct value not found/) });
    // The order is dead: asking again gives the same verdict rather than a new attempt.
    expect(await order.validate("wrong.acme.test")).toEqual(result);
  });
});
