import { isPastIssuance, type ChangeView } from "../../provider/lifecycle/statuses";

const change = (status: string, inputs: string[] = []): ChangeView => ({
  statusInfo: { status, state: "running" },
  allowedInput: inputs.map((type) => ({ type, requiredToProceed: true, info: `/info/${type}`, update: `/update/${type}` })),
});

describe("'issued' is decided from documented signals only", () => {
  it.each(["deploy-cert-to-staging", "deploy-cert-to-production", "wait-review-cert-warning", "wait-ack-change-management", "complete"])("%s (documented after issuance) counts", (status) => {
    expect(isPastIssuance(change(status))).toBe(true);
  });
  it.each(["create-slot-files", "live-check-action", "deploy-changes-to-production", "coodinate-domain-validation", "check-for-cert"])("%s alone does not", (status) => {
    expect(isPastIssuance(change(status))).toBe(false);
  });
  it("an input CPS offers only for an issued certificate counts, whatever the status", () => {
    expect(isPastIssuance(change("live-check-action", ["change-management"]))).toBe(true);
    expect(isPastIssuance(change("some-new-status", ["post-verification-warnings-acknowledgement"]))).toBe(true);
  });
});
