/**
 * AcmeOrder and AcmeCertificate plans: a new CSR (a CPS renewal) means a new order and certificate,
 * settings only update, and a key the order generated is no change when the program still gives none.
 * What the CA returns becomes outputs only with the CSR's key, RSA or ECDSA (what CPS takes).
 * These resources need no Akamai credentials: the context's client is never asked for.
 */
import "reflect-metadata";
import { generateKeyPairSync, webcrypto } from "crypto";
import * as x509 from "@peculiar/x509";
import { defineResource, type ResourceContext } from "../../../provider/resources/define-resource";
import { acmeOrderProvider } from "../../../provider/resources/acme-order";
import { acmeCertificateProvider, issuedCertificateOutputs } from "../../../provider/resources/acme-certificate";
import { FakeCps, fakeContext } from "../../support/fake-cps";
import type { CpsApi } from "../../../provider/cps";

/** A context whose CPS client fails the test if anything asks for it. */
const ctx: ResourceContext = {
  ...fakeContext(new FakeCps()),
  get cps(): CpsApi {
    throw new Error("the ACME resources must not need CPS");
  },
};
const order = defineResource(acmeOrderProvider.definition, () => ctx);
const certificate = defineResource(acmeCertificateProvider.definition, () => ctx);

async function csrFor(cn: string): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys, signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } });
  return csr.toString("pem");
}

const directoryUrl = "https://acme.example/directory";
const accountKeyPem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
let csrPem: string;
let renewedCsrPem: string;
beforeAll(async () => {
  csrPem = await csrFor("www.example.com");
  renewedCsrPem = await csrFor("www.example.com");
});

describe("AcmeOrder diff", () => {
  // No orderUrl in state: diff does not ask the CA whether the order died.
  const olds = () => ({ csrPem, directoryUrl, challengeType: "dns-01", accountKeyPem, accountKeyGenerated: true });

  it("plans nothing for the same CSR, and a generated account key not given again is no change", async () => {
    expect(await order.diff("o", olds(), { csrPem, directoryUrl })).toEqual({ changes: false, replaces: [] });
  });

  it("a new CSR (a renewal) opens a new order; a new email only updates", async () => {
    expect(await order.diff("o", olds(), { csrPem: renewedCsrPem, directoryUrl })).toEqual({ changes: true, replaces: ["csrPem"] });
    expect(await order.diff("o", olds(), { csrPem, directoryUrl, email: "ops@example.com" })).toEqual({ changes: true, replaces: [] });
  });

  it("an account key given now instead of the generated one means a new account and order", async () => {
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(await order.diff("o", olds(), { csrPem, directoryUrl, accountKeyPem: other })).toEqual({ changes: true, replaces: ["accountKeyPem"] });
  });
});

describe("AcmeCertificate diff", () => {
  const inputs = () => ({ orderUrl: "https://acme.example/order/1", accountUrl: "https://acme.example/acct/1", accountKeyPem, directoryUrl, csrPem });

  it("a new order replaces the certificate; a new timeout only updates it", async () => {
    expect(await certificate.diff("c", inputs(), inputs())).toEqual({ changes: false, replaces: [] });
    expect(await certificate.diff("c", inputs(), { ...inputs(), orderUrl: "https://acme.example/order/2" })).toEqual({ changes: true, replaces: ["orderUrl"] });
    expect(await certificate.diff("c", inputs(), { ...inputs(), timeout: "20m" })).toEqual({ changes: true, replaces: [] });
  });
});

/** A CSR and a certificate (self-signed, standing for the CA's) for one key pair. */
async function csrAndCertificate(algorithm: { name: "ECDSA"; namedCurve: "P-256" } | { name: "Ed25519" }, cn: string): Promise<{ csrPem: string; certificatePem: string }> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const signingAlgorithm = algorithm.name === "ECDSA" ? { name: "ECDSA", hash: "SHA-256" } : { name: "Ed25519" };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${cn}`, keys, signingAlgorithm, extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: cn }])] });
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a1b",
    name: `CN=${cn}`,
    notBefore: new Date(Date.UTC(2026, 0, 1)),
    notAfter: new Date(Date.UTC(2026, 3, 1)),
    keys,
    signingAlgorithm,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "dns", value: cn }])],
  });
  return { csrPem: csr.toString("pem"), certificatePem: cert.toString("pem") };
}

describe("AcmeCertificate outputs of what the CA returned", () => {
  it("an ECDSA certificate for the CSR's key reads ECDSA, as CertificateUpload takes it", async () => {
    const { csrPem: ecCsr, certificatePem } = await csrAndCertificate({ name: "ECDSA", namedCurve: "P-256" }, "shop.example.com");
    const outs = issuedCertificateOutputs(certificatePem, ecCsr);
    expect(outs).toMatchObject({ keyAlgorithm: "ECDSA", serialNumber: "0A1B", subjectAltNames: ["shop.example.com"], notAfter: "2026-04-01T00:00:00.000Z" });
    expect(outs.fullChainPem).toBe(outs.certificatePem);
  });

  it("a certificate with a key CPS does not take (Ed25519) fails instead of outputting an unknown algorithm", async () => {
    const { csrPem: edCsr, certificatePem } = await csrAndCertificate({ name: "Ed25519" }, "shop.example.com");
    expect(() => issuedCertificateOutputs(certificatePem, edCsr)).toThrow(expect.objectContaining({ code: "AcmeCertificateInvalid", message: expect.stringContaining("ed25519 key; CPS accepts only RSA and ECDSA") }));
  });

  it("a certificate for another key than the CSR's fails", async () => {
    const { certificatePem } = await csrAndCertificate({ name: "ECDSA", namedCurve: "P-256" }, "shop.example.com");
    expect(() => issuedCertificateOutputs(certificatePem, csrPem)).toThrow(expect.objectContaining({ code: "AcmeCertificateInvalid", message: expect.stringContaining("public key is not the CSR's") }));
  });
});
