/**
 * CPS sometimes answers 404 not-found on a change's warning info while the change still offers that
 * input (https://github.com/akamai/terraform-provider-akamai/issues/648). The emulator's
 * `warningInfo404` fault answers 404 to the first K reads; the provider re-reads the change and the
 * warnings, and acknowledges them.
 */
import { enrollmentRequestSchema } from "../../provider/cps";
import { handleWarnings } from "../../provider/lifecycle/acknowledgements";
import { createDv, dvEnrollment, input, startE2e, waitStatus, type E2e } from "./helpers";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e({ faults: { warningInfo404: { reads: 2 } } });
});
afterAll(async () => {
  await e2e?.stop();
});

it("re-reads the change and the warnings after a transient 404, then acknowledges them", async () => {
  await createDv(e2e, "first.w404.test");
  const created = await e2e.client.createEnrollment({ contractId: "K-E2E", enrollment: enrollmentRequestSchema.parse(dvEnrollment("second.w404.test", ["first.w404.test"])) });
  const changeId = created.changeIds[0]!;
  const review = await waitStatus(e2e, created.enrollmentId, changeId, "wait-review-pre-verification-safety-checks");
  const messages: string[] = [];
  const acknowledged = await handleWarnings("pre-verification", {
    client: e2e.client,
    enrollmentId: created.enrollmentId,
    changeId,
    input: input(review, "pre-verification-warnings-acknowledgement"),
    policy: ["SNI_DNS_OVERLAP"],
    policyInput: "preVerificationWarnings",
    progress: (message) => messages.push(message),
  });
  expect(acknowledged.map((w) => w.id)).toEqual(["SNI_DNS_OVERLAP"]);
  expect(messages.filter((m) => /404/.test(m))).toHaveLength(2);
  expect((await e2e.admin<{ injected: { warningInfo404: number } }>("GET", "/faults")).body.injected.warningInfo404).toBe(2);
  const after = await e2e.client.getChangeStatus(created.enrollmentId, changeId);
  expect(after.statusInfo.status).not.toBe("wait-review-pre-verification-safety-checks");
});
