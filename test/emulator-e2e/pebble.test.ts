/**
 * Against a real ACME CA (Debian's pebble, started here with `-dnsserver` at the emulator's DNS):
 * the DV dns-01 flow with `ca: "acme"`, and the third-party flow with a CSR CPS generated, signed by
 * pebble (acme-client used directly, as a user's own CA would be) and uploaded; a certificate that
 * does not belong to the CSR produces post-verification warnings.
 */
import * as acme from "acme-client";
import * as https from "node:https";
import { splitPem } from "../../emulator/pki/parse";
import { classifyWarnings } from "../../provider/lifecycle/warnings";
import { enrollmentRequestSchema } from "../../provider/cps";
import { hasPebble, PEBBLE_BINARY, startPebble, type RunningPebble } from "../support/pebble";
import { freePort } from "../support/ports";
import { completeDvWithDns01, createDv, dvEnrollment, input, startE2e, tlsHandshake, waitStatus, type E2e } from "./helpers";

if (!hasPebble) {
  console.warn(`SKIPPED: ${PEBBLE_BINARY} is not installed; the ACME-backed e2e tests need Debian's pebble (apt-get install pebble)`);
}
const describeWithPebble = hasPebble ? describe : describe.skip;

let pebble: RunningPebble | undefined;
let e2e: E2e;

beforeAll(async () => {
  if (!hasPebble) return;
  // pebble needs the DNS address before the emulator (which needs pebble's directory) starts
  const dnsPort = await freePort();
  pebble = await startPebble({ dnsServer: `127.0.0.1:${dnsPort}` });
  e2e = await startE2e({ ca: "acme", dnsPort, acme: { directoryUrl: pebble.directoryUrl, caCertPem: pebble.tlsCaPem, managementUrl: pebble.managementUrl } });
  expect((await e2e.admin("POST", "/dns/zones", { zone: "acme.test" })).status).toBe(201);
}, 40_000);
afterAll(async () => {
  await e2e?.stop();
  await pebble?.stop();
});

describeWithPebble("ACME backend (pebble)", () => {
  it("DV dns-01: pebble validates the records published through the Edge DNS API and its chain is served", async () => {
    const { enrollmentId, changeId } = await createDv(e2e, "www.acme.test", ["api.acme.test"]);
    await completeDvWithDns01(e2e, "acme.test", enrollmentId, changeId);
    const roots = e2e.emulator.edgeRootsPem;
    const handshake = await tlsHandshake(e2e.emulator.production as string, "api.acme.test", roots);
    expect(handshake.authorizationError).toBeUndefined();
    expect(handshake.authorized).toBe(true);
    expect(handshake.issuer).toMatch(/Pebble/i);
    expect(handshake.validTo.getTime()).toBeGreaterThan(Date.now());
  }, 30_000);

  /** The user's own CA: an ACME order at pebble for the CSR CPS generated, proven with dns-01 in the emulator's DNS. */
  async function signAtPebble(csrPem: string, names: string[]): Promise<{ certificate: string; trustChain: string }> {
    const ca = (pebble as RunningPebble).tlsCaPem;
    acme.axios.defaults.httpsAgent = new https.Agent({ ca });
    const client = new acme.Client({ directoryUrl: (pebble as RunningPebble).directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey(), backoffMin: 20, backoffMax: 500 });
    await client.createAccount({ termsOfServiceAgreed: true });
    const order = await client.createOrder({ identifiers: names.map((value) => ({ type: "dns", value })) });
    for (const authorization of await client.getAuthorizations(order)) {
      const challenge = authorization.challenges.find((c) => c.type === "dns-01");
      if (!challenge) throw new Error("pebble offered no dns-01");
      const value = await client.getChallengeKeyAuthorization(challenge);
      await e2e.admin("PUT", "/dns/records", { name: `_acme-challenge.${authorization.identifier.value}`, type: "TXT", ttl: 60, rdata: [`"${value}"`] });
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
    }
    const finalized = await client.finalizeOrder(order, csrPem);
    const [certificate, ...chain] = splitPem(await client.getCertificate(finalized));
    return { certificate: certificate ?? "", trustChain: chain.join("") };
  }

  const thirdParty = (cn: string, sans: string[]) =>
    enrollmentRequestSchema.parse(
      dvEnrollment(cn, sans, {
        ra: "third-party",
        validationType: "third-party",
        certificateType: "third-party",
        thirdParty: { excludeSans: false },
        // a DV-style CA keeps only the names; subject fields would (rightly) become warnings
        csr: { cn, sans: [cn, ...sans], c: null, st: null, l: null, o: null, ou: null },
      }),
    );

  let pebbleSigned: { certificate: string; trustChain: string } | undefined;

  it("third-party: a pebble-signed certificate for CPS's CSR is accepted and served", async () => {
    const created = await e2e.client.createEnrollment({ contractId: "K-E2E", enrollment: thirdParty("tp.acme.test", ["www.tp.acme.test"]) });
    const changeId = created.changeIds[0] as number;
    const waiting = await waitStatus(e2e, created.enrollmentId, changeId, "wait-upload-third-party");
    const csrs = await e2e.client.getThirdPartyCsrs(input(waiting, "third-party-certificate"));
    const rsa = csrs.find((c) => c.keyAlgorithm === "RSA");
    pebbleSigned = await signAtPebble(rsa?.csr ?? "", ["tp.acme.test", "www.tp.acme.test"]);
    await e2e.client.uploadThirdPartyCertificates(input(waiting, "third-party-certificate"), [{ keyAlgorithm: "RSA", ...pebbleSigned }]);

    await waitStatus(e2e, created.enrollmentId, changeId, "complete");
    const handshake = await tlsHandshake(e2e.emulator.production as string, "www.tp.acme.test", e2e.emulator.edgeRootsPem);
    expect(handshake.authorizationError).toBeUndefined();
    expect(handshake.authorized).toBe(true);
  }, 30_000);

  it("third-party: a certificate that does not belong to the CSR produces post-verification warnings", async () => {
    expect(pebbleSigned).toBeDefined();
    const created = await e2e.client.createEnrollment({ contractId: "K-E2E", enrollment: thirdParty("other.acme.test", []) });
    const changeId = created.changeIds[0] as number;
    const waiting = await waitStatus(e2e, created.enrollmentId, changeId, "wait-upload-third-party");
    await e2e.client.uploadThirdPartyCertificates(input(waiting, "third-party-certificate"), [{ keyAlgorithm: "RSA", ...(pebbleSigned as { certificate: string; trustChain: string }) }]);

    const review = await waitStatus(e2e, created.enrollmentId, changeId, "wait-review-third-party-cert");
    const warnings = await e2e.client.getPostVerificationWarnings(input(review, "post-verification-warnings-acknowledgement"));
    // Akamai's exact templates, filled with this certificate's values: the provider's classifier names each one.
    expect(warnings).toContain("'RSA' certificate was not generated from the CSR that Akamai generated.");
    expect(classifyWarnings(warnings).map((w) => w.id)).toEqual(
      expect.arrayContaining(["CSR_VS_CERTIFICATE_KEY_MISMATCH", "CSR_VS_CERTIFICATE_CN_MISMATCH", "CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE"]),
    );
    expect(classifyWarnings(warnings).every((w) => w.known)).toBe(true);
    await e2e.client.cancelChange(created.enrollmentId, changeId);
  }, 30_000);
});
