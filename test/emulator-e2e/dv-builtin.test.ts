/**
 * DV with the builtin CA, end to end through CpsClient: dns-01 records published through the Edge DNS
 * API on the emulator's EdgeGrid host, validated for real through the emulator's DNS server, then a
 * real TLS handshake against the production listener; renewal and token expiry on the emulator clock.
 */
import { X509Certificate } from "node:crypto";
import { completeDvWithDns01, createDv, DV_STATUS, input, startE2e, tlsHandshake, waitFor, waitStatus, type E2e } from "./helpers";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
  expect((await e2e.admin("POST", "/dns/zones", { zone: "shop.test" })).status).toBe(201);
});
afterAll(async () => {
  await e2e?.stop();
});

describe("DV dns-01 with the builtin CA", () => {
  let enrollmentId = 0;
  let firstFingerprint = "";

  it("validates records published through the Edge DNS API and serves the certificate on production", async () => {
    const created = await createDv(e2e, "www.shop.test", ["api.shop.test"]);
    enrollmentId = created.enrollmentId;
    await completeDvWithDns01(e2e, "shop.test", created.enrollmentId, created.changeId);

    // the record the client wrote is what the DNS server serves
    expect((await e2e.client.edgeDns.getRecordSet("shop.test", "_acme-challenge.www.shop.test", "TXT"))?.rdata).toHaveLength(1);

    const deployment = await e2e.client.getProductionDeployment(enrollmentId);
    const deployedPem = deployment?.primaryCertificate?.certificate ?? "";
    const deployed = new X509Certificate(deployedPem);
    const roots = e2e.emulator.edgeRootsPem;
    expect(roots).toContain("BEGIN CERTIFICATE");

    const handshake = await tlsHandshake(e2e.emulator.production as string, "api.shop.test", roots);
    expect(handshake.authorizationError).toBeUndefined();
    expect(handshake.authorized).toBe(true);
    expect(handshake.subjectAltName).toContain("DNS:www.shop.test");
    expect(handshake.subjectAltName).toContain("DNS:api.shop.test");
    // the listener serves exactly what the deployments endpoint reports
    expect(handshake.fingerprint256).toBe(deployed.fingerprint256);
    expect(handshake.validTo.getTime()).toBeGreaterThan(e2e.emulator.clock.now().getTime());
    firstFingerprint = handshake.fingerprint256;

    // staging serves it too; a name nobody deployed fails the handshake
    expect((await tlsHandshake(e2e.emulator.staging as string, "www.shop.test", roots)).fingerprint256).toBe(deployed.fingerprint256);
    await expect(tlsHandshake(e2e.emulator.production as string, "nobody.shop.test", roots)).rejects.toThrow();
  });

  it("opens a renewal with new challenges once the clock passes autoRenewalStartTime", async () => {
    const enrollment = await e2e.client.getEnrollment(enrollmentId);
    const renewalStart = Date.parse(enrollment.autoRenewalStartTime ?? "");
    const expiry = (await tlsHandshake(e2e.emulator.production as string, "www.shop.test", e2e.emulator.edgeRootsPem)).validTo.getTime();
    // DV (Let's Encrypt, 90-day certificates): renewal starts 20 days before expiry
    // (https://techdocs.akamai.com/cps/reference/about-the-cps-workflow)
    expect(Math.round((expiry - renewalStart) / 86_400_000)).toBe(20);
    const oldValues = (await e2e.client.edgeDns.getRecordSet("shop.test", "_acme-challenge.www.shop.test", "TXT"))?.rdata ?? [];

    const ms = renewalStart - e2e.emulator.clock.now().getTime() + 60_000;
    expect((await e2e.admin("POST", "/clock/advance", { ms })).status).toBe(200);
    const renewal = await waitFor("a renewal change", async () => {
      const pending = (await e2e.client.getEnrollment(enrollmentId)).pendingChanges?.[0];
      return pending?.changeType === "renewal" ? pending : undefined;
    });

    const coordinating = await waitStatus(e2e, enrollmentId, renewal.changeId, DV_STATUS);
    const challenges = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
    const newValues = challenges.dv.map((d) => d.challenges.find((c) => c.type === "dns-01")?.responseBody);
    expect(newValues.some((value) => value != null && oldValues.some((old) => old.includes(value)))).toBe(false);

    // CPS also rechecks on its own schedule; pause that so the acknowledgement below is what triggers validation.
    const durations = await e2e.admin<Record<string, number>>("GET", "/config/step-durations");
    await e2e.admin("PUT", "/config/step-durations", { "dv-recheck-interval": 3_600_000 });
    for (const domain of challenges.dv) {
      const dns = domain.challenges.find((c) => c.type === "dns-01");
      await e2e.client.edgeDns.updateRecordSet("shop.test", { name: `_acme-challenge.${domain.domain}`, type: "TXT", ttl: 60, rdata: [dns?.responseBody ?? ""] });
    }
    await e2e.client.acknowledgeDvChallenges(input(coordinating, "lets-encrypt-challenges"));
    await e2e.admin("PUT", "/config/step-durations", durations.body);
    await waitStatus(e2e, enrollmentId, renewal.changeId, "complete");
    // emulator time is 60 days ahead of the real clock: verify the served chain at emulator time
    const renewed = await tlsHandshake(e2e.emulator.production as string, "www.shop.test", e2e.emulator.edgeRootsPem, e2e.emulator.clock.now());
    expect(renewed.authorizationError).toBeUndefined();
    expect(renewed.authorized).toBe(true);
    expect(renewed.fingerprint256).not.toBe(firstFingerprint);
    expect(renewed.validTo.getTime()).toBeGreaterThan(expiry);
  });

  it("expires challenge tokens after 7 days of emulator time and hands out new ones", async () => {
    // slow rechecks so the expiry stays visible until the user reacts
    await e2e.admin("PUT", "/config/step-durations", { "dv-recheck-interval": 3_600_000 });
    try {
      const { enrollmentId: e, changeId: c } = await createDv(e2e, "late.shop.test");
      const coordinating = await waitStatus(e2e, e, c, DV_STATUS);
      const before = await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"));
      const token = before.dv[0]?.challenges[0]?.token;
      expect(Date.parse(before.dv[0]?.expires ?? "") - e2e.emulator.clock.now().getTime()).toBeGreaterThan(6.9 * 86_400_000);

      await e2e.admin("POST", "/clock/advance", { days: 8 });
      const expired = await waitFor("TOKEN_EXPIRED", async () => {
        const dv = (await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"))).dv[0];
        return dv?.validationStatus === "TOKEN_EXPIRED" ? dv : undefined;
      });
      expect(expired.error).toMatch(/expired/);

      await e2e.client.acknowledgeDvChallenges(input(coordinating, "lets-encrypt-challenges"));
      const after = (await e2e.client.getDvChallenges(input(coordinating, "lets-encrypt-challenges"))).dv[0];
      expect(after?.validationStatus).toBe("PENDING");
      expect(after?.challenges[0]?.token).not.toBe(token);
    } finally {
      await e2e.admin("PUT", "/config/step-durations", { "dv-recheck-interval": 50 });
    }
  });
});
