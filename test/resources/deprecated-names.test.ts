/**
 * One name per concept (issue #17): the old spellings keep working for one release. A program that
 * still says `waitTimeout`, `checkPropagation` or `resolvers` gets the same parsed inputs as one
 * using `timeout`, `propagationCheck` and `dnsResolvers`, no diff when it switches names, and a
 * check failure naming the property when it gives both.
 */
import { parseInputs } from "../../provider/resources/check";
import { dvValidationInputsSchema, dvValidationProvider } from "../../provider/resources/dv-validation";
import { enrollmentInputsSchema } from "../../provider/resources/enrollment-inputs";
import { enrollmentProvider, PROVIDER_ONLY_INPUTS } from "../../provider/resources/enrollment";
import { changedInputs } from "../../provider/resources/deprecated-inputs";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const enrollment = {
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
};

const cases = [
  { resource: "Enrollment", provider: enrollmentProvider, schema: enrollmentInputsSchema, base: enrollment, old: { waitTimeout: "2m" }, current: { timeout: "2m" }, other: { timeout: "5m" }, diffKeys: PROVIDER_ONLY_INPUTS },
  { resource: "DvValidation", provider: dvValidationProvider, schema: dvValidationInputsSchema, base: { enrollmentId: 12345 }, old: { checkPropagation: false }, current: { propagationCheck: false }, other: { propagationCheck: true }, diffKeys: Object.keys(dvValidationInputsSchema.shape) },
  { resource: "DvValidation", provider: dvValidationProvider, schema: dvValidationInputsSchema, base: { enrollmentId: 12345 }, old: { resolvers: ["192.0.2.53:5353"] }, current: { dnsResolvers: ["192.0.2.53:5353"] }, other: { dnsResolvers: ["192.0.2.54"] }, diffKeys: Object.keys(dvValidationInputsSchema.shape) },
] as const;

describe.each(cases)("$resource", ({ resource, provider, schema, base, old, current, other, diffKeys }) => {
  const oldName = Object.keys(old)[0]!;
  const currentName = Object.keys(current)[0]!;
  const title = `${resource}.${oldName} (deprecated) = ${resource}.${currentName}`;
  // State holds the inputs as the program wrote them, next to the outputs.
  const olds = (inputs: Record<string, unknown>) => ({ ...inputs, changeId: 777, status: "complete" });
  // The inputs each provider's diff compares with state (the CPS side of the diff is covered elsewhere).
  const changed = (before: Record<string, unknown>, after: Record<string, unknown>) => changedInputs(schema, olds(before), after, diffKeys);

  it(`${title}: check accepts both and they parse the same`, async () => {
    expect((await provider.check({}, { ...base, ...old })).failures).toEqual([]);
    expect((await provider.check({}, { ...base, ...current })).failures).toEqual([]);
    expect(parseInputs(schema, { ...base, ...old })).toEqual(parseInputs(schema, { ...base, ...current }));
  });

  it(`${title}: switching between the names is no diff, a changed value is`, () => {
    expect(changed({ ...base, ...old }, { ...base, ...current })).toEqual([]);
    expect(changed({ ...base, ...current }, { ...base, ...old })).toEqual([]);
    expect(changed({ ...base, ...old }, { ...base, ...old })).toEqual([]);
    expect(changed({ ...base, ...old }, { ...base, ...other })).toEqual([currentName]);
  });

  it(`${title}: giving both is refused, naming the property`, async () => {
    const { failures } = await provider.check({}, { ...base, ...old, ...current });
    expect(failures).toEqual([{ property: oldName, reason: `is the deprecated name of \`${currentName}\`, which is also given: give only \`${currentName}\`` }]);
    expect(() => parseInputs(schema, { ...base, ...old, ...current })).toThrow(new RegExp(`${oldName}: is the deprecated name of`));
  });

  it(`${title}: a bad value under the old name is reported under the old name`, async () => {
    const bad = { [oldName]: oldName === "resolvers" ? ["127.0.0.1:99999"] : "soon" };
    const { failures } = await provider.check({}, { ...base, ...bad });
    expect((failures ?? []).map((f) => f.property)).toEqual([oldName === "resolvers" ? "resolvers[0]" : oldName]);
  });
});

describe("DvValidation's diff, with CPS out of reach (compares inputs with state only)", () => {
  const saved = { ...process.env };
  beforeAll(() => {
    for (const k of Object.keys(process.env)) if (k.startsWith("PULUMI_AKAMAI_CPS_")) delete process.env[k];
    process.env.PULUMI_AKAMAI_CPS_EDGERC = "/nonexistent/.edgerc";
  });
  afterAll(() => {
    process.env = saved;
  });
  const state = { enrollmentId: 12345, checkPropagation: false, resolvers: ["192.0.2.53"], changeId: 777, status: "complete" };

  it("plans no update when a program switches to the current names with the same values", async () => {
    expect(await dvValidationProvider.diff("12345", state, { enrollmentId: 12345, propagationCheck: false, dnsResolvers: ["192.0.2.53"] })).toEqual({ changes: false, replaces: [] });
  });

  it("plans an update when a value changes under the new name", async () => {
    expect(await dvValidationProvider.diff("12345", state, { enrollmentId: 12345, propagationCheck: true, dnsResolvers: ["192.0.2.53"] })).toEqual({ changes: true, replaces: [] });
  });
});
