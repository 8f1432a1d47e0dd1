/**
 * A required input of the wrong type says what is expected (issue #20, item 5): before, zod's
 * defaults showed `contractId: 123` or `commonName: true` as "is required" (the schema's one
 * message for every type failure) or as "Invalid input: expected string, received number". Each
 * value below is refused in `check`, naming the property, without any request leaving the process;
 * an input that is really missing still says it is required.
 */
import * as http from "http";
import * as https from "https";
import { acmeOrderProvider } from "../../provider/resources/acme-order";
import { certificateUploadProvider } from "../../provider/resources/certificate-upload";
import { getEnrollments } from "../../provider/resources/data-functions";
import { deploymentProvider } from "../../provider/resources/deployment";
import { dvValidationProvider } from "../../provider/resources/dv-validation";
import { edgeDnsCnameRecordProvider } from "../../provider/resources/edge-dns-cname-record";
import { edgeDnsTxtRecordProvider } from "../../provider/resources/edge-dns-txt-record";
import { enrollmentProvider } from "../../provider/resources/enrollment";
import { secureEdgeHostnameProvider } from "../../provider/resources/secure-edge-hostname";

type Props = Record<string, unknown>;
type Provider = { check(olds: Props, news: Props): Promise<{ failures?: Array<{ property: string; reason: string }> }> };

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

/** Valid inputs per resource, and its required inputs (nested ones as paths). */
const resources: Array<{ name: string; provider: Provider; valid: Props; required: string[] }> = [
  {
    name: "Enrollment",
    provider: enrollmentProvider,
    valid: {
      contractId: "K-0N7RAK71",
      commonName: "www.example.com",
      adminContact: contact,
      techContact: { ...contact },
      organization: { name: "Example Inc.", country: "US" },
      csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
    },
    required: [
      "contractId",
      "commonName",
      "adminContact",
      "techContact",
      "organization",
      "adminContact.firstName",
      "adminContact.lastName",
      "adminContact.email",
      "adminContact.phone",
      "organization.name",
    ],
  },
  { name: "DvValidation", provider: dvValidationProvider, valid: { enrollmentId: 12345 }, required: ["enrollmentId"] },
  { name: "Deployment", provider: deploymentProvider, valid: { enrollmentId: 12345, verify: { host: "www.example.com" } }, required: ["enrollmentId", "verify.host"] },
  {
    name: "EdgeDnsTxtRecord",
    provider: edgeDnsTxtRecordProvider,
    valid: { zone: "example.com", name: "_acme-challenge.www.example.com", values: ["token"] },
    required: ["zone", "name", "values"],
  },
  {
    name: "CertificateUpload",
    provider: certificateUploadProvider,
    valid: { enrollmentId: 12345, certificates: [{ keyAlgorithm: "RSA", certificatePem: PEM }] },
    required: ["enrollmentId", "certificates", "certificates[0].keyAlgorithm"],
  },
];

/** Values of another type than the input's: for text inputs, for lists, for objects, for ids. */
const WRONG: unknown[] = [123, true, [], {}, ["www.example.com"], null];

function setAt(props: Props, path: string, value: unknown): Props {
  const copy = structuredClone(props);
  const keys = path.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "");
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

function kindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

const cases = resources.flatMap((r) =>
  r.required.flatMap((property) => {
    const current = property.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r.valid);
    // Every value whose kind differs from the valid one's (a list for a list input is not a wrong type).
    return WRONG.filter((w) => kindOf(w) !== kindOf(current)).map((value) => ({ resource: r.name, provider: r.provider, valid: r.valid, property, value }));
  }),
);

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

describe("a required input of the wrong type says what is expected", () => {
  it("starts from inputs whose required properties check accepts", async () => {
    for (const r of resources) {
      const { failures } = await r.provider.check({}, r.valid);
      // (The placeholder PEM is refused as a certificate; that is not one of the properties under test.)
      expect({ resource: r.name, failures: (failures ?? []).filter((f) => r.required.includes(f.property)) }).toEqual({ resource: r.name, failures: [] });
    }
  });

  it.each(cases.map((c) => [c.resource, c.property, JSON.stringify(c.value), c] as const))("%s %s = %s", async (_r, property, _v, c) => {
    const { failures } = await c.provider.check({}, setAt(c.valid, property, c.value));
    const mine = (failures ?? []).filter((f) => f.property === property);
    expect(mine).toHaveLength(1);
    const reason = mine[0]!.reason;
    expect(reason).not.toMatch(/invalid input/i);
    expect(reason).not.toMatch(/is required/);
    expect(reason).toMatch(/^must be /);
    expect(requests.count).toBe(0);
  });

  it.each(resources.flatMap((r) => r.required.map((p) => [r.name, p, r] as const)))("%s without %s says it is required", async (_r, property, r) => {
    const { failures } = await r.provider.check({}, setAt(r.valid, property, undefined));
    const mine = (failures ?? []).filter((f) => f.property === property);
    expect(mine).toEqual([{ property, reason: expect.stringMatching(/^is required/) }]);
    expect(requests.count).toBe(0);
  });

  it("says what it expects in words a user can act on", async () => {
    const e = await enrollmentProvider.check({}, { ...resources[0]!.valid, contractId: 123, commonName: true, sans: "example.com" });
    expect(e.failures).toEqual(
      expect.arrayContaining([
        { property: "contractId", reason: "must be text, a CPS contract id such as K-0N7RAK71, not the number 123" },
        { property: "commonName", reason: "must be a host name such as www.example.com, not the boolean true" },
        { property: "sans", reason: 'must be a list of host names, e.g. ["example.com", "api.example.com"], not the text "example.com"' },
      ]),
    );
    const v = await dvValidationProvider.check({}, { enrollmentId: 12345, challengeType: "dns01", propagationCheck: "yes" });
    expect(v.failures).toEqual([
      { property: "challengeType", reason: 'must be one of "dns-01" or "http-01", not the text "dns01"' },
      { property: "propagationCheck", reason: 'must be true or false, not the text "yes"' },
    ]);
    const w = await dvValidationProvider.check({}, { enrollmentId: 12345, postVerificationWarnings: "all" });
    expect(w.failures).toEqual([{ property: "postVerificationWarnings", reason: expect.stringMatching(/^must be "acknowledge-all", "fail" or a list of warning IDs such as \["[A-Z_]+"\], not the text "all"$/) }]);
  });

  it("holds for the other resources' and the data functions' inputs too", async () => {
    const o = await acmeOrderProvider.check({}, { csrPem: 42, directoryUrl: "https://acme.example/directory" });
    expect(o.failures).toEqual(expect.arrayContaining([{ property: "csrPem", reason: "must be a PEM certificate request as text, e.g. enrollment.csrs.rsa, not the number 42" }]));
    const c = await edgeDnsCnameRecordProvider.check({}, { zone: "example.com", name: "www.example.com", target: ["www.example.com.edgekey.net"] });
    expect(c.failures).toEqual([{ property: "target", reason: "must be a host name such as www.example.com.edgekey.net, not a list" }]);
    const h = await secureEdgeHostnameProvider.check({}, { contractId: 123, groupId: "grp_1", productId: "prd_Fresca", enrollmentId: 12345 });
    expect(h.failures).toEqual(
      expect.arrayContaining([
        { property: "contractId", reason: "must be text, a contract id, not the number 123" },
        { property: "domainPrefix", reason: "is required: the site name, e.g. www.example.com" },
      ]),
    );
    await expect(getEnrollments({ get: () => undefined }, { contractId: 123 })).rejects.toThrow("getEnrollments: contractId: must be text, not the number 123");
    expect(requests.count).toBe(0);
  });
});
