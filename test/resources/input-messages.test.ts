/**
 * Refusals say what is expected. Before, a NaN or Infinity timeout, a null or a boolean, and any
 * malformed deployment date were refused with zod's bare "Invalid input".
 */
import { deploymentProvider } from "../../provider/resources/deployment";
import { dvValidationProvider } from "../../provider/resources/dv-validation";
import { enrollmentProvider } from "../../provider/resources/enrollment";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const enrollment = {
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
};

describe("messages of refused timeouts and dates", () => {
  it.each([NaN, Infinity, -Infinity, null, true, "soon"])("a timeout of %p says a duration is expected", async (value) => {
    const dv = await dvValidationProvider.check({}, { enrollmentId: 12345, timeout: value });
    expect(dv.failures).toEqual([{ property: "timeout", reason: expect.stringContaining('must be a duration such as "30m"') }]);
    const e = await enrollmentProvider.check({}, { ...enrollment, waitTimeout: value });
    expect(e.failures).toEqual([{ property: "waitTimeout", reason: expect.stringContaining('must be a duration such as "30m"') }]);
  });

  it.each(["tomorrow", "2026-13-01", "2026-12-01T00:00:00", 1764547200, null])("a deployment date of %p says an ISO 8601 date with offset is expected", async (value) => {
    const d = await deploymentProvider.check({}, { enrollmentId: 12345, deploymentSchedule: { notAfter: value } });
    expect(d.failures).toEqual([{ property: "deploymentSchedule.notAfter", reason: expect.stringMatching(/ISO 8601 date-time with an offset, e\.g\. 2026-12-01T00:00:00Z .*or a date such as 2026-12-01/) }]);
  });
});
