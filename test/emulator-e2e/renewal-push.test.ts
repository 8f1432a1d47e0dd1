/**
 * Akamai's CPS workflow page (https://techdocs.akamai.com/cps/reference/about-the-cps-workflow):
 * seven days before the deployed certificate expires, CPS pushes a certificate that is ready on
 * staging straight to production, unless a deployment date is set.
 */
import { createDv, DV_STATUS, input, startE2e, waitFor, waitStatus, type E2e } from "./helpers";

const DAY = 86_400_000;
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => {
  await e2e?.stop();
});

/** Validates the domain when CPS asks (a renewal may find it still validated) and waits for the change-management hold. */
async function toStaging(enrollmentId: number, changeId: number, cn: string): Promise<void> {
  const status = await waitFor("domain validation or the change-management hold", async () => {
    const now = (await e2e.client.getChangeStatus(enrollmentId, changeId)).statusInfo.status;
    return now === DV_STATUS || now === "wait-ack-change-management" ? now : undefined;
  });
  if (status === DV_STATUS) await e2e.admin("POST", `/domains/${cn}/validate`, {});
  await waitStatus(e2e, enrollmentId, changeId, "wait-ack-change-management");
}

it("a renewal waiting for the change-management acknowledgement goes to production by itself seven days before expiry", async () => {
  const cn = "push.renew.test";
  const { enrollmentId, changeId } = await createDv(e2e, cn, [], { changeManagement: true });
  await toStaging(enrollmentId, changeId, cn);
  const first = await e2e.client.getChangeStatus(enrollmentId, changeId);
  const info = await e2e.client.getChangeManagementInfo(input(first, "change-management"));
  expect(info.acknowledgementDeadline ?? null).toBeNull(); // nothing deployed yet: no automatic push
  await e2e.client.acknowledgeChangeManagement(input(first, "change-management"), "acknowledge", info.validationResultHash ?? undefined);
  await waitStatus(e2e, enrollmentId, changeId, "complete");

  // DV renews 20 days before expiry: notAfter = autoRenewalStartTime + 20 days
  const renewalStart = Date.parse((await e2e.client.getEnrollment(enrollmentId)).autoRenewalStartTime ?? "");
  const notAfter = renewalStart + 20 * DAY;
  expect((await e2e.admin("POST", "/clock/advance", { ms: renewalStart - e2e.emulator.clock.now().getTime() + 60_000 })).status).toBe(200);
  const renewal = await waitFor("a renewal change", async () => {
    const pending = (await e2e.client.getEnrollment(enrollmentId)).pendingChanges?.[0];
    return pending?.changeType === "renewal" ? pending : undefined;
  });
  await toStaging(enrollmentId, renewal.changeId, cn);
  const waiting = await e2e.client.getChangeStatus(enrollmentId, renewal.changeId);
  const renewalInfo = await e2e.client.getChangeManagementInfo(input(waiting, "change-management"));
  expect(Date.parse(renewalInfo.acknowledgementDeadline ?? "")).toBe(notAfter - 7 * DAY);

  // six days before the push: still waiting; past it: production without an acknowledgement
  expect((await e2e.admin("POST", "/clock/advance", { ms: notAfter - 8 * DAY - e2e.emulator.clock.now().getTime() })).status).toBe(200);
  expect((await e2e.client.getChangeStatus(enrollmentId, renewal.changeId)).statusInfo.status).toBe("wait-ack-change-management");
  expect((await e2e.admin("POST", "/clock/advance", { ms: DAY + 60_000 })).status).toBe(200);
  await waitStatus(e2e, enrollmentId, renewal.changeId, "complete");
}, 60_000);
