/**
 * A DvValidation whose change left domain validation before it first read the challenges (CPS's
 * own DNS recheck, or a name Akamai validated itself) reports each name's state from CPS's DV
 * history instead of an empty domainStatus.
 */
import { domainStatesFromHistory } from "../../provider/lifecycle/challenges";

const challenge = (status: string) => ({ type: "dns-01", status, fullPath: "_acme-challenge.x", responseBody: "v" });

it("takes each name's newest history entry, marks names Akamai validated itself, and leaves out names not on the certificate", () => {
  const states = domainStatesFromHistory(
    {
      results: [
        {
          domain: "WWW.example.com",
          domainHistory: [
            { status: "Expired", validationStatus: "EXPIRED", requestTimestamp: "2026-01-01T00:00:00Z", challenges: [challenge("pending")] },
            { status: "Valid", validationStatus: "VALIDATED", requestTimestamp: "2026-12-01T00:00:00Z", challenges: [challenge("valid")] },
          ],
        },
        { domain: "new.example.com", domainHistory: [{ status: "Valid", validationStatus: "VALIDATED", requestTimestamp: "2026-12-01T00:00:00Z", challenges: [challenge("pending")] }] },
        { domain: "other.example.net", domainHistory: [{ status: "Valid", validationStatus: "VALIDATED", challenges: [] }] },
      ],
    },
    ["www.example.com", "new.example.com"],
  );
  expect(states).toEqual({
    "www.example.com": { status: "Valid", validationStatus: "VALIDATED" },
    "new.example.com": { status: "Valid", validationStatus: "VALIDATED", validatedByAkamai: true },
  });
});

it("reads the official example's `data` list as well as the schema's `results`", () => {
  const states = domainStatesFromHistory({ data: [{ domain: "www.example.com", domainHistory: [{ status: "Valid", validationStatus: "VALIDATED", error: null }] }] }, ["www.example.com"]);
  expect(states["www.example.com"]).toEqual({ status: "Valid", validationStatus: "VALIDATED" });
});
