import { enrollmentProvider } from "../../provider/resources/enrollment";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const valid = {
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  sans: ["example.com", "api.example.com"],
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
};

async function failuresFor(overrides: Record<string, unknown>) {
  const result = await enrollmentProvider.check({}, { ...valid, ...overrides });
  return result.failures ?? [];
}

describe("Enrollment check", () => {
  it("accepts a complete DV enrollment", async () => {
    expect(await failuresFor({})).toEqual([]);
  });

  it.each([
    ["an invalid hostname in sans", { sans: ["ok.example.com", "bad_name.example.com"] }, "sans[1]", /invalid label|characters not allowed/],
    ["duplicate names in sans", { sans: ["a.example.com", "A.example.com"] }, "sans[1]", /listed twice/],
    ["a common name over 64 characters", { commonName: "a".repeat(60) + ".example.com" }, "commonName", /at most 64/],
    ["more than 100 names", { sans: Array.from({ length: 100 }, (_, i) => `n${i}.example.com`) }, "sans", /at most 100/],
    ["an unknown country code", { csr: { c: "XX" } }, "csr.c", /ISO 3166-1/],
    ["a missing admin contact", { adminContact: undefined }, "adminContact", /required/],
    ["a bad contact email", { techContact: { ...contact, email: "not-an-email" } }, "techContact.email", /email/],
    ["an unknown secure network", { secureNetwork: "shared-cert" }, "secureNetwork", /.+/],
    ["a wildcard on a DV san certificate", { sans: ["*.example.com"] }, "sans[0]", /wildcard/],
    ["an unknown input", { colour: "blue" }, "(inputs)", /colour/],
    ["a bad timeout", { waitTimeout: "soon" }, "waitTimeout", /duration/],
    ["a lower-case warning id", { preVerificationWarnings: ["overlapping"] }, "preVerificationWarnings[0]", /warning ID/],
    ["dual-stack on DV", { dualStack: true }, "dualStack", /third-party/],
  ])("rejects %s, naming the property", async (_label, overrides, property, reason) => {
    const failures = await failuresFor(overrides);
    const hit = failures.find((f) => f.property === property);
    expect(hit).toBeDefined();
    expect(hit!.reason).toMatch(reason);
  });

  it("does not fail on values that are unknown during preview", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await failuresFor({ sans: unknown, commonName: unknown })).toEqual([]);
  });

  it("accepts orgId instead of organization and contacts", async () => {
    expect(await failuresFor({ organization: undefined, adminContact: undefined, techContact: undefined, orgId: 12345 })).toEqual([]);
  });
});
