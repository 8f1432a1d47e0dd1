/**
 * Answers lost after the request was applied (the gateway's 500 forward-origin-error, or a dropped
 * connection): the emulator applies the request, then loses its answer. The client must not resend
 * blindly (a second PUT /enrollments cancels the change the first one opened; Akamai's Go client
 * retries GETs only, pkg/session/retries.go): it reads what landed and carries on with that.
 */
import { enrollmentRequestSchema } from "../../provider/cps";
import { createDv, dvEnrollment, input, startE2e, waitStatus, type E2e } from "./helpers";

let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
  expect((await e2e.admin("POST", "/dns/zones", { zone: "lost.test" })).status).toBe(201);
});
afterAll(async () => {
  await e2e?.stop();
});

const ANSWERS = ["error", "reset"] as const;

/** The next request of `method` on a path matching `path` is applied, then its answer is lost. */
async function loseNext(method: string, path: string, answer: "error" | "reset"): Promise<void> {
  expect((await e2e.admin("PUT", "/faults", { lostAnswerRules: [{ method, path, times: 1, answer }] })).status).toBe(200);
}

async function lostSoFar(): Promise<number> {
  return (await e2e.admin<{ injected: { lostAnswers: number } }>("GET", "/faults")).body.injected.lostAnswers;
}

function calls(operation: string): number {
  return e2e.emulator.stats().byOperation[operation] ?? 0;
}

async function pendingChanges(enrollmentId: number): Promise<number[]> {
  return (await e2e.client.getEnrollment(enrollmentId)).pendingChanges.map((c) => c.changeId);
}

describe.each(ANSWERS)("an answer lost after the request was applied (%s)", (answer) => {
  it("PUT enrollment: one change, the one it opened, not cancelled by a resend", async () => {
    const { enrollmentId, changeId } = await createDv(e2e, `put-${answer}.lost.test`);
    await waitStatus(e2e, enrollmentId, changeId, "coodinate-domain-validation");
    const lost = await lostSoFar();
    const puts = calls("put-enrollment");
    await loseNext("PUT", `^/cps/v2/enrollments/${enrollmentId}$`, answer);
    const result = await e2e.client.updateEnrollment({
      enrollmentId,
      enrollment: enrollmentRequestSchema.parse(dvEnrollment(`put-${answer}.lost.test`, [`www.put-${answer}.lost.test`])),
      allowCancelPendingChanges: true,
    });
    expect(await lostSoFar()).toBe(lost + 1);
    expect(calls("put-enrollment")).toBe(puts + 1); // never resent
    expect(result.changeIds).toHaveLength(1);
    expect(result.changeIds[0]).not.toBe(changeId);
    expect(await pendingChanges(enrollmentId)).toEqual(result.changeIds);
    const opened = await e2e.client.getChangeStatus(enrollmentId, result.changeIds[0]!);
    expect(opened.statusInfo.state).not.toBe("error");
  });

  it("DELETE change: the change is cancelled once, the call succeeds", async () => {
    const { enrollmentId, changeId } = await createDv(e2e, `cancel-${answer}.lost.test`);
    await waitStatus(e2e, enrollmentId, changeId, "coodinate-domain-validation");
    const before = calls("delete-enrollment-change");
    await loseNext("DELETE", `/changes/${changeId}$`, answer);
    await e2e.client.cancelChange(enrollmentId, changeId);
    expect(calls("delete-enrollment-change")).toBe(before + 1);
    expect(await pendingChanges(enrollmentId)).toEqual([]);
  });

  it("acknowledgement POST: the change moves on, the acknowledgement is not sent twice", async () => {
    const first = await createDv(e2e, `ack-${answer}.lost.test`);
    await waitStatus(e2e, first.enrollmentId, first.changeId, "coodinate-domain-validation");
    // a second enrollment with the same name: CPS asks to review the overlap first
    const second = await e2e.client.createEnrollment({
      contractId: "K-E2E",
      enrollment: enrollmentRequestSchema.parse(dvEnrollment(`other-ack-${answer}.lost.test`, [`ack-${answer}.lost.test`])),
    });
    const changeId = second.changeIds[0]!;
    const review = await waitStatus(e2e, second.enrollmentId, changeId, "wait-review-pre-verification-safety-checks");
    const posts = calls("post-change-allowed-input-param");
    await loseNext("POST", "/input/update/pre-verification-warnings-acknowledgement$", answer);
    await e2e.client.acknowledgePreVerificationWarnings(input(review, "pre-verification-warnings-acknowledgement"), "acknowledge");
    expect(calls("post-change-allowed-input-param")).toBe(posts + 1);
    const after = await e2e.client.getChangeStatus(second.enrollmentId, changeId);
    expect(after.statusInfo.status).not.toBe("wait-review-pre-verification-safety-checks");
    expect(after.statusInfo.state).not.toBe("error");
  });

  it("deployment-schedule PUT: the schedule is what was sent", async () => {
    const { enrollmentId, changeId } = await createDv(e2e, `schedule-${answer}.lost.test`);
    const schedule = { notBefore: "2030-01-02T00:00:00Z", notAfter: null };
    const before = calls("put-change-deployment-schedule");
    await loseNext("PUT", "/deployment-schedule$", answer);
    await e2e.client.updateDeploymentSchedule(enrollmentId, changeId, schedule);
    expect(calls("put-change-deployment-schedule")).toBe(before + 1);
    expect(Date.parse((await e2e.client.getDeploymentSchedule(enrollmentId, changeId)).notBefore ?? "")).toBe(Date.parse(schedule.notBefore));
  });

  it("Edge DNS writes: the record is created, replaced and deleted once each", async () => {
    const name = `_acme-challenge.dns-${answer}.lost.test`;
    const before = calls("edge-dns");
    await loseNext("POST", `/names/${name}/types/TXT$`, answer);
    await e2e.client.edgeDns.createRecordSet("lost.test", { name, type: "TXT", ttl: 60, rdata: ["one"] });
    await loseNext("PUT", `/names/${name}/types/TXT$`, answer);
    await e2e.client.edgeDns.updateRecordSet("lost.test", { name, type: "TXT", ttl: 60, rdata: ["two"] });
    expect((await e2e.client.edgeDns.getRecordSet("lost.test", name, "TXT"))?.rdata.map((v) => v.replace(/"/g, ""))).toEqual(["two"]);
    await loseNext("DELETE", `/names/${name}/types/TXT$`, answer);
    await e2e.client.edgeDns.deleteRecordSet("lost.test", name, "TXT");
    expect(await e2e.client.edgeDns.getRecordSet("lost.test", name, "TXT")).toBeUndefined();
    // each write once, plus one read after each lost answer and the two reads above
    expect(calls("edge-dns") - before).toBe(3 + 3 + 2);
  });

  it("DELETE enrollment: it is gone and the call succeeds", async () => {
    const { enrollmentId } = await createDv(e2e, `remove-${answer}.lost.test`);
    await loseNext("DELETE", `^/cps/v2/enrollments/${enrollmentId}$`, answer);
    const result = await e2e.client.removeEnrollment({ enrollmentId, allowCancelPendingChanges: true });
    expect(result.enrollmentId).toBe(enrollmentId);
    await expect(e2e.client.getEnrollment(enrollmentId)).rejects.toMatchObject({ status: 404 });
  });
});
