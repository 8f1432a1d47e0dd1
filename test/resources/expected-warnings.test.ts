/** Which warnings count as the direct consequence of the user's declared change (and need no policy). */
import { isExpectedWarning, sanRemovalExpectation } from "../../provider/lifecycle/expected-warnings";
import { classifyWarnings } from "../../provider/lifecycle/warnings";

const removal = sanRemovalExpectation(["www.example.com", "api.example.com", "example.com"], ["www.example.com", "example.com"]);

function first(text: string) {
  return classifyWarnings(text)[0]!;
}

describe("a SAN-removal warning", () => {
  it("is expected when names were removed and it names none other", () => {
    expect(removal?.removedNames).toEqual(["api.example.com"]);
    // Akamai's exact templates (data/cps-warnings.json)
    expect(isExpectedWarning(first("SAN name [api.example.com] removed from certificate is still live on the network."), removal)).toBe(true);
    expect(
      isExpectedWarning(first("The SANs [api.example.com] are scheduled to be removed with this operation. Removing SANs from this enrollment may result in a disruption of your service for TLS connections."), removal),
    ).toBe(true);
  });

  it("fails safe when it names a host the change did not remove, or when nothing was removed", () => {
    expect(isExpectedWarning(first("SAN name [shop.example.com] removed from certificate is still live on the network."), removal)).toBe(false);
    expect(sanRemovalExpectation(["www.example.com"], ["www.example.com", "api.example.com"])).toBeUndefined();
  });

  it("does not make any other warning expected", () => {
    expect(isExpectedWarning(first("Name [api.example.com] is overlapping DNS name of one or more enrollments."), removal)).toBe(false);
  });
});
