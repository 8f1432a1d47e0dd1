/** Data functions refuse bad arguments before any request, naming the argument; phase reads as a user expects. */
import { getDeployments, getEnrollment, getEnrollments, getPendingChange } from "../../provider/resources/data-functions";
import { certificatePhase } from "../../sdk/certificate";

// No credentials at all: an argument error must come before the client is even created.
const noSettings = { get: () => undefined };

describe("data functions", () => {
  it.each([
    ["getEnrollment", () => getEnrollment(noSettings, { enrollmentId: true }), /getEnrollment: enrollmentId: .*positive integer/],
    ["getEnrollment (array id)", () => getEnrollment(noSettings, { enrollmentId: [10001] }), /getEnrollment: enrollmentId/],
    ["getDeployments", () => getDeployments(noSettings, { enrollmentId: 1.5 }), /getDeployments: enrollmentId/],
    ["getPendingChange (unknown argument)", () => getPendingChange(noSettings, { enrollmentId: 1, extra: 1 }), /getPendingChange: .*extra/],
    ["getEnrollments", () => getEnrollments(noSettings, { contractId: "" }), /getEnrollments: contractId: .*K-0N7RAK71/],
  ])("%s refuses bad arguments by name", async (_name, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });
});

describe("certificatePhase", () => {
  it.each([
    [{ onProduction: true, onStaging: true, validated: true, published: true }, "OnProduction"],
    [{ onProduction: false, onStaging: true, validated: true, published: true }, "OnStaging"],
    [{ onProduction: false, onStaging: false, validated: true, published: true }, "Validated"],
    [{ onProduction: false, onStaging: false, validated: false, published: true }, "ChallengesPublished"],
    [{ onProduction: false, onStaging: false, validated: false, published: false }, "Enrolled"],
  ])("%o is %s", (state, phase) => {
    expect(certificatePhase(state)).toBe(phase);
  });
});
