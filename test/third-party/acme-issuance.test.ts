/**
 * AcmeOrder + AcmeCertificate through the dynamic-provider host against Debian's pebble, with and
 * without External Account Binding. pebble validates dns-01 against a real DNS server (the
 * emulator's), where the test publishes the records the program would declare.
 */
import * as acme from "acme-client";
import { X509Certificate } from "crypto";
import { createZoneStore } from "../../emulator/dns/zone-store";
import { startDnsServer, DnsServer } from "../../emulator/dns/server";
import { publicKeyFingerprint } from "../../provider/resources/csr-outputs";
import { toPropertyMap } from "../harness";
import { StackDriver } from "../integration/stack-driver";
import { ExtraKind } from "./extra-kinds";
import { hasPebble, PEBBLE_BINARY, startPebble, type RunningPebble } from "../support/pebble";

jest.setTimeout(120_000);

if (!hasPebble) console.warn(`Skipping the ACME issuance tests: ${PEBBLE_BINARY} is not installed (apt-get install -y pebble).`);
const describeWithPebble = hasPebble ? describe : describe.skip;

const ZONE = "acme-tp.test";
const NAMES = [`www.${ZONE}`, ZONE];
const EAB = { kid: "kid-cps-test", hmacKey: "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W" };
type Challenges = Record<string, { recordName: string; value: string }>;

async function csrFor(keyAlgorithm: "RSA" | "ECDSA"): Promise<string> {
  const key = keyAlgorithm === "RSA" ? await acme.crypto.createPrivateRsaKey(2048) : await acme.crypto.createPrivateEcdsaKey("P-256");
  const [, csr] = await acme.crypto.createCsr({ commonName: NAMES[0]!, altNames: NAMES }, key);
  return csr.toString();
}

function verifiesTo(leafPem: string, chainPem: string, rootPem: string): boolean {
  const certs = [leafPem, ...(chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []), rootPem].map((p) => new X509Certificate(p));
  return certs.slice(0, -1).every((c, i) => c.checkIssued(certs[i + 1]!) && c.verify(certs[i + 1]!.publicKey));
}

describe.each([
  ["without EAB", undefined],
  ["with EAB", EAB],
])("ACME issuance %s", (_label, eab) => {
  const store = createZoneStore();
  let dns: DnsServer;
  let pebble: RunningPebble;
  let driver: StackDriver;
  let orders: ExtraKind;

  beforeAll(async () => {
    if (!hasPebble) return;
    store.createZone(ZONE);
    dns = await startDnsServer(store);
    pebble = await startPebble({ dnsServer: dns.address, validitySeconds: 180 * 86_400, ...(eab ? { externalAccountMACKeys: { [eab.kid]: eab.hmacKey } } : {}) });
    driver = await StackDriver.start({ "pulumi-akamai-cps:dnsResolvers": dns.address });
    orders = new ExtraKind(driver, "AcmeOrder", "acme-order", "acmeOrderProvider");
  });
  afterAll(async () => {
    await driver?.stop();
    await pebble?.stop();
    await dns?.close();
  });

  /** What the program's DNS records do: one TXT record set per record name. */
  function publish(challenges: Challenges): void {
    const byName = new Map<string, string[]>();
    for (const c of Object.values(challenges)) byName.set(c.recordName, [...(byName.get(c.recordName) ?? []), c.value]);
    for (const [name, values] of byName) store.upsert({ name, type: "TXT", ttl: 60, rdata: values });
  }
  function unpublish(challenges: Challenges): void {
    for (const c of Object.values(challenges)) store.delete(c.recordName, "TXT");
  }

  function orderInputs(csrPem: string) {
    return toPropertyMap({ csrPem, directoryUrl: pebble.directoryUrl, caCertPem: pebble.tlsCaPem, email: "hostmaster@acme-tp.test", ...(eab ? { eab } : {}) });
  }
  function certificateInputs(order: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const pick = ["orderUrl", "accountUrl", "accountKeyPem", "directoryUrl", "csrPem", "caCertPem"];
    return toPropertyMap({ ...Object.fromEntries(pick.map((k) => [k, order[k]])), timeout: "1m", ...extra });
  }

  describeWithPebble("through the dynamic-provider host", () => {
    if (eab) {
      it("explains a CA that requires External Account Binding when none is given", async () => {
        const result = await orders.up("no-eab", toPropertyMap({ csrPem: await csrFor("ECDSA"), directoryUrl: pebble.directoryUrl, caCertPem: pebble.tlsCaPem }));
        expect(result.op).toBe("failed");
        if (result.op === "failed") expect(result.message).toMatch(/account registration .* failed: .*External Account Binding.*\[AcmeRequestRefused, /is);
      });
    }

    it.each(["RSA", "ECDSA"] as const)("issues a %s certificate for the CSR once the declared records exist", async (keyAlgorithm) => {
      const csrPem = await csrFor(keyAlgorithm);
      const name = `order-${keyAlgorithm}`;
      const opened = await orders.up(name, orderInputs(csrPem));
      if (opened.op === "failed") throw new Error(opened.message);
      const order = orders.outputs(name);
      const challenges = order.dnsChallenges as Challenges;
      expect(Object.keys(challenges).sort()).toEqual([...NAMES].sort());
      expect(challenges[`www.${ZONE}`]!.recordName).toBe(`_acme-challenge.www.${ZONE}`);
      expect(order.accountKeyPem).toMatch(/PRIVATE KEY/);

      // Records not published yet: the certificate waits for them and gives up with the reason,
      // without spending the CA's one-shot validation.
      const early = await driver.up("AcmeCertificate", `cert-${keyAlgorithm}`, certificateInputs(order, { propagationTimeout: "1s" }));
      expect(early.op).toBe("failed");
      if (early.op === "failed") expect(early.message).toMatch(/dns-01 records.*_acme-challenge\..*(NXDOMAIN|no TXT).*\[DnsNotPropagated, see docs\/troubleshooting\.md#dns-propagation\]/s);

      publish(challenges);
      const issued = await driver.up("AcmeCertificate", `cert-${keyAlgorithm}`, certificateInputs(order));
      if (issued.op === "failed") throw new Error(`${issued.message}\n${pebble.log()}`);
      const cert = driver.outputs(`cert-${keyAlgorithm}`);
      expect(cert.keyAlgorithm).toBe(keyAlgorithm);
      expect((cert.subjectAltNames as string[]).sort()).toEqual([...NAMES].sort());
      expect(cert.publicKeyFingerprint).toBe(publicKeyFingerprint(csrPem));
      expect(verifiesTo(cert.certificatePem as string, cert.trustChainPem as string, await pebble.rootsPem())).toBe(true);
      expect(Date.parse(cert.notAfter as string) - Date.now()).toBeLessThan(398 * 86_400_000);
      unpublish(challenges);
    });

    it("re-issues for a new CSR (a renewal), and replaces an order whose validation failed", async () => {
      const name = "order-renew";
      await orders.up(name, orderInputs(await csrFor("ECDSA")));
      const first = orders.outputs(name);
      // Wrong value published: the CA rejects it, and the message says which record and why.
      publish(Object.fromEntries(Object.entries(first.dnsChallenges as Challenges).map(([d, c]) => [d, { ...c, value: "not-the-value" }])));
      const failed = await driver.up("AcmeCertificate", "cert-renew", certificateInputs(first, { propagationCheck: false }));
      expect(failed.op).toBe("failed");
      if (failed.op === "failed") expect(failed.message).toMatch(/could not validate .*acme-tp\.test.*\[AcmeValidationFailed, /s);

      // Next run: the order is invalid at the CA, so AcmeOrder opens a new one.
      const again = await orders.up(name, orderInputs(first.csrPem as string));
      expect(again.op).toBe("replace");
      const second = orders.outputs(name);
      expect(second.orderUrl).not.toBe(first.orderUrl);
      publish(second.dnsChallenges as Challenges);
      const issued = await driver.up("AcmeCertificate", "cert-renew", certificateInputs(second));
      if (issued.op === "failed") throw new Error(issued.message);
      const serial = driver.outputs("cert-renew").serialNumber;

      // A renewal: CPS generated a new CSR.
      const renewedCsr = await csrFor("ECDSA");
      expect((await orders.up(name, orderInputs(renewedCsr))).op).toBe("replace");
      const third = orders.outputs(name);
      publish(third.dnsChallenges as Challenges);
      const reissued = await driver.up("AcmeCertificate", "cert-renew", certificateInputs(third));
      expect(reissued.op).toBe("replace");
      const cert = driver.outputs("cert-renew");
      expect(cert.serialNumber).not.toBe(serial);
      expect(cert.csrPem).toBe(renewedCsr);
    });
  });
});
