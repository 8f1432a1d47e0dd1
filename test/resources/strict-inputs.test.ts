/**
 * Inputs that used to be accepted and then acted on something the user did not write (a boolean
 * becoming enrollment 1, a list becoming 10001, a past deployment window, a PEM header followed by
 * garbage…). Each is refused in `check`, naming the property and saying what is expected, and
 * without any request leaving the process.
 */
import * as http from "http";
import * as https from "https";
import { acmeCertificateProvider } from "../../provider/resources/acme-certificate";
import { acmeOrderProvider } from "../../provider/resources/acme-order";
import { certificateUploadProvider } from "../../provider/resources/certificate-upload";
import { deploymentProvider } from "../../provider/resources/deployment";
import { dvValidationProvider } from "../../provider/resources/dv-validation";
import { enrollmentProvider } from "../../provider/resources/enrollment";
import { createIntermediate, createRoot, issueLeaf } from "../third-party/test-ca";

const DAY = 86_400_000;
const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const enrollment = {
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  sans: ["example.com"],
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
};
const CSR_PEM = `-----BEGIN CERTIFICATE REQUEST-----
MIHyMIGZAgEAMBoxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABC0vNhSmtf4qqE5eNCu1Z8O0Xrx+5hL2Q9jy2v1x5a0i
oGgAUytIHtH0wZ1t0b3yb+1xXnNnZ9b5D7a7Oa7nUemgHTAbBgkqhkiG9w0BCQ4x
DjAMMAoGA1UdEQQDMAGCDzAKBggqhkjOPQQDAgNIADBFAiEA1111111111111111
1111111111111111111111111111111CIAIiIiIiIiIiIiIiIiIiIiIiIiIiIiIi
IiIiIiIiIiIi
-----END CERTIFICATE REQUEST-----
`;

type Provider = { check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ failures?: Array<{ property: string; reason: string }> }> };

let notYetValidPem = "";
let validChainPem = "";
beforeAll(async () => {
  const root = await createRoot();
  const intermediate = await createIntermediate(root);
  notYetValidPem = await issueLeaf(intermediate, { names: ["www.example.com"], notBefore: new Date(Date.now() + 30 * DAY), notAfter: new Date(Date.now() + 120 * DAY) });
  validChainPem = intermediate.pem;
});

const requests = { count: 0 };
beforeEach(() => {
  requests.count = 0;
  for (const mod of [http, https]) {
    jest.spyOn(mod, "request").mockImplementation(() => {
      requests.count++;
      throw new Error("check must not send a request");
    });
  }
});
afterEach(() => jest.restoreAllMocks());

describe("inputs accepted before and coerced into something else are refused in check", () => {
  const cases: Array<[string, Provider, () => Record<string, unknown>, string, RegExp]> = [
    ["adoptEnrollmentId: true (became enrollment 1)", enrollmentProvider, () => ({ ...enrollment, adoptEnrollmentId: true }), "adoptEnrollmentId", /positive whole number.*not a boolean/],
    ["DvValidation enrollmentId: true (became enrollment 1)", dvValidationProvider, () => ({ enrollmentId: true }), "enrollmentId", /positive whole number/],
    ["enrollmentId: [10001] (became 10001)", deploymentProvider, () => ({ enrollmentId: [10001] }), "enrollmentId", /not a boolean, a list/],
    ["a phone number that is prose", enrollmentProvider, () => ({ ...enrollment, adminContact: { ...contact, phone: "call me maybe" } }), "adminContact.phone", /telephone number such as \+1 617 555 0100/],
    ["a first name with NUL and ANSI escapes", enrollmentProvider, () => ({ ...enrollment, techContact: { ...contact, firstName: "Ada\u0000\u001b[31m" } }), "techContact.firstName", /control character/],
    [
      "deploymentSchedule.notAfter already past",
      enrollmentProvider,
      () => ({ ...enrollment, deploymentSchedule: { notAfter: new Date(Date.now() - DAY).toISOString() } }),
      "deploymentSchedule.notAfter",
      /already passed.*ISO-8601 date-time with offset/,
    ],
    ["a resolver port beyond 65535", dvValidationProvider, () => ({ enrollmentId: 1, resolvers: ["127.0.0.1:99999"] }), "resolvers[0]", /port 99999 is outside 1-65535/],
    ["verify.host with spaces and a slash", deploymentProvider, () => ({ enrollmentId: 1, verify: { host: "www.example.com /x" } }), "verify.host", /hostname .* or an IP address/],
    [
      "verify.caCertPem: a PEM header followed by garbage",
      deploymentProvider,
      () => ({ enrollmentId: 1, verify: { host: "127.0.0.1", caCertPem: "-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n" } }),
      "verify.caCertPem",
      /not a valid X\.509 certificate/,
    ],
    [
      "a CertificateUpload certificate valid only in 30 days",
      certificateUploadProvider,
      () => ({ enrollmentId: 1, certificates: [{ keyAlgorithm: "ECDSA", certificatePem: notYetValidPem, trustChainPem: validChainPem }] }),
      "certificates[0].certificatePem",
      /is not valid until .*notBefore is in the future/,
    ],
    [
      "an AcmeCertificate orderUrl over http to a link-local metadata address",
      acmeCertificateProvider,
      () => ({
        orderUrl: "http://169.254.169.254/latest/meta-data/",
        accountUrl: "https://acme.example.com/acct/1",
        accountKeyPem: "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
        directoryUrl: "https://acme.example.com/directory",
        csrPem: CSR_PEM,
      }),
      "orderUrl",
      /link-local address 169\.254\.169\.254/,
    ],
    [
      "an ACME account key that is a PEM header around garbage",
      acmeOrderProvider,
      () => ({ csrPem: CSR_PEM, directoryUrl: "https://acme.example.com/directory", accountKeyPem: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n" }),
      "accountKeyPem",
      /does not parse/,
    ],
    ["an AcmeOrder directoryUrl over plain http", acmeOrderProvider, () => ({ csrPem: CSR_PEM, directoryUrl: "http://acme.example.com/directory" }), "directoryUrl", /over https .*loopback/],
  ];

  it.each(cases)("%s", async (_label, provider, inputs, property, reason) => {
    const { failures = [] } = await provider.check({}, inputs());
    const hit = failures.find((f) => f.property === property);
    expect(hit).toBeDefined();
    expect(hit!.reason).toMatch(reason);
    expect(requests.count).toBe(0);
  });
});

describe("what stays accepted", () => {
  it.each([
    ["an enrollment id written as digits (stack config values are strings)", dvValidationProvider, { enrollmentId: "10001" }],
    ["an IPv6 resolver with a port", dvValidationProvider, { enrollmentId: 1, resolvers: ["[2001:db8::53]:5353", "192.0.2.53"] }],
    ["a phone number with an extension", enrollmentProvider, { ...enrollment, adminContact: { ...contact, phone: "(617) 555-0100 x12" } }],
    ["a loopback test CA over http", acmeOrderProvider, { csrPem: CSR_PEM, directoryUrl: "http://127.0.0.1:14000/dir" }],
    ["verify.host as an IP address", deploymentProvider, { enrollmentId: 1, verify: { host: "::1" } }],
  ] as Array<[string, Provider, Record<string, unknown>]>)("%s", async (_label, provider, inputs) => {
    const { failures = [] } = await provider.check({}, inputs);
    // Only the property under test matters here; e.g. the test CSR's signature is not what this checks.
    expect(failures.filter((f) => f.property !== "csrPem")).toEqual([]);
  });

  it("a deployment window that ended after it was accepted does not fail later previews", async () => {
    const past = { ...enrollment, deploymentSchedule: { notAfter: new Date(Date.now() - DAY).toISOString() } };
    const { failures = [] } = await enrollmentProvider.check(past, past);
    expect(failures).toEqual([]);
  });
});
