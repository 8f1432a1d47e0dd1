import { enrollmentInputsSchema } from "../../provider/resources/enrollment-inputs";
import { changedKeys, enrollmentRequest, viewOfEnrollment, viewOfInputs } from "../../provider/resources/enrollment-spec";
import { enrollmentSchema } from "../../provider/cps";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const inputs = enrollmentInputsSchema.parse({
  contractId: "ctr_K-0N7RAK71",
  commonName: "WWW.Example.com",
  sans: ["api.example.com", "example.com", "www.example.com"],
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc." },
});

/** What CPS returns for the body we sent (ids, slots and defaults added, names re-ordered). */
function asLive(overrides: (e: Record<string, unknown>) => void = () => {}) {
  const body = JSON.parse(JSON.stringify(enrollmentRequest(inputs))) as Record<string, unknown>;
  const csr = body.csr as { sans: string[] };
  csr.sans = [...csr.sans].reverse().map((s) => s.toUpperCase());
  Object.assign(body, { id: 10001, location: "/cps/v2/enrollments/10001", pendingChanges: [], assignedSlots: [1], productionSlots: [], stagingSlots: [] });
  (body.adminContact as Record<string, unknown>).title = "Set in Control Center";
  overrides(body);
  return enrollmentSchema.parse(body);
}

describe("comparing desired inputs with the live enrollment", () => {
  const want = viewOfInputs(inputs);

  it("sees no difference when CPS re-orders, re-cases and adds unmanaged members", () => {
    expect(changedKeys(want, viewOfEnrollment(asLive(), inputs.contractId, want))).toEqual([]);
  });

  it("strips the ctr_ prefix and lower-cases the common name", () => {
    expect(inputs.contractId).toBe("K-0N7RAK71");
    expect(enrollmentRequest(inputs).csr.cn).toBe("www.example.com");
  });

  it("keeps the CN inside the SAN list sent to CPS, once", () => {
    expect(enrollmentRequest(inputs).csr.sans).toEqual(["www.example.com", "api.example.com", "example.com"]);
  });

  it("detects a SAN added in Control Center", () => {
    const live = asLive((e) => (e.csr as { sans: string[] }).sans.push("shop.example.com"));
    expect(changedKeys(want, viewOfEnrollment(live, inputs.contractId, want))).toEqual(["sans"]);
  });

  it("detects a cipher profile changed in Control Center", () => {
    const live = asLive((e) => ((e.networkConfiguration as Record<string, unknown>).mustHaveCiphers = "ak-akamai-default"));
    expect(changedKeys(want, viewOfEnrollment(live, inputs.contractId, want))).toEqual(["mustHaveCiphers"]);
  });

  it("detects a managed contact field edited out of band", () => {
    const live = asLive((e) => ((e.techContact as Record<string, unknown>).email = "someone@else.com"));
    expect(changedKeys(want, viewOfEnrollment(live, inputs.contractId, want))).toEqual(["techContact.email"]);
  });
});
