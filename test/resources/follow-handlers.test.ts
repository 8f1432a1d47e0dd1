/**
 * One test per change-follower handler, against canned change statuses (test/support/canned-changes.ts):
 * what the user notices — the acknowledgement sent or not sent, the progress line, the error — and
 * that nothing is sent twice. Virtual time: the whole file runs in well under a second.
 */
import { CpsApiError, CpsChangeError, retrying } from "../../provider/cps";
import { WarningsRefusedError } from "../../provider/lifecycle/acknowledgements";
import {
  acknowledgePostVerification,
  acknowledgePreVerification,
  applySchedule,
  changeManagement,
  Deadline,
  doneWhen,
  dvChallengesIssued,
  failOnError,
  followChange,
  observe,
  refuseWhen,
  thirdPartyCsrsReady,
  thirdPartyUploadOffered,
  waitingFor,
  type ChangeHandler,
} from "../../provider/lifecycle/follow";
import { WaitTimeoutError } from "../../provider/lifecycle/poll";
import { INPUT, isComplete, isOnStaging } from "../../provider/lifecycle/statuses";
import { cannedChanges, type CannedStatus } from "../support/canned-changes";

const ids = { enrollmentId: 10, changeId: 20 };
const complete: CannedStatus = { status: "complete" };
const untilComplete = doneWhen(isComplete, () => "done" as const);
const follow = <T>(canned: ReturnType<typeof cannedChanges>, handlers: ReadonlyArray<ChangeHandler<T>>, extra: { goneMeansDone?: T } = {}) =>
  followChange<T>(canned.ctx, ids, handlers, { what: "test change", timeoutMs: 60_000, ...extra });

describe("failOnError", () => {
  it("a change in state error fails with CPS's code and text and the way forward, acknowledging nothing", async () => {
    const cps = cannedChanges([{ status: "wait-review-cert-warning", inputs: [INPUT.postVerificationWarnings], error: { code: "CA_REFUSED", description: "the CA refused the CSR" } }]);
    const failure = follow(cps, [failOnError, acknowledgePostVerification({ policy: "acknowledge-all", policyInput: "postVerificationWarnings" }), untilComplete]);
    await expect(failure).rejects.toBeInstanceOf(CpsChangeError);
    await expect(failure).rejects.toMatchObject({ code: "ChangeFailed", cpsCode: "CA_REFUSED" });
    await expect(failure).rejects.toThrow(/CPS change 20 of enrollment 10 failed in status wait-review-cert-warning: CA_REFUSED: the CA refused the CSR\. A failed change does not continue: set cancelPendingChanges: true/);
    expect(cps.sent("POST")).toEqual([]);
  });

  it("a cancelled change says to run up again", async () => {
    const cps = cannedChanges([{ status: "cancelled", state: "cancelled" }]);
    await expect(follow(cps, [failOnError, untilComplete])).rejects.toMatchObject({ code: "ChangeCancelled" });
    await expect(follow(cps, [failOnError, untilComplete])).rejects.toThrow("Change 20 of enrollment 10 was cancelled (status cancelled (cancelled)). Run `pulumi up` again to start a new change.");
  });
});

describe("acknowledgePostVerification", () => {
  const offered: CannedStatus = { status: "wait-review-cert-warning", inputs: [INPUT.postVerificationWarnings] };

  it("acknowledges once per policy, says so, and follows on", async () => {
    const cps = cannedChanges([offered, complete], { postVerificationWarnings: "Something CPS wants reviewed about www.example.com." });
    const seen: string[][] = [];
    await expect(
      follow(cps, [acknowledgePostVerification({ policy: "acknowledge-all", policyInput: "postVerificationWarnings", onAcknowledged: (w) => seen.push(w.map((x) => x.id)) }), untilComplete]),
    ).resolves.toBe("done");
    expect(cps.sent("POST")).toEqual([`POST ${INPUT.postVerificationWarnings} acknowledge`]);
    expect(seen).toHaveLength(1);
    expect(cps.lines.some((l) => /acknowledged post-verification warnings: UNKNOWN_/.test(l))).toBe(true);
    expect(cps.lines).toContain("test change: wait-review-cert-warning (awaiting-input), warnings acknowledged (0s)");
  });

  it("a warning the policy does not allow fails with its text and sends no acknowledgement", async () => {
    const cps = cannedChanges([offered], { postVerificationWarnings: "Something CPS wants reviewed about www.example.com." });
    const refused = follow(cps, [acknowledgePostVerification({ policy: "fail", policyInput: "postVerificationWarnings" }), untilComplete]);
    await expect(refused).rejects.toBeInstanceOf(WarningsRefusedError);
    await expect(refused).rejects.toMatchObject({ code: "WarningsRefused" });
    await expect(refused).rejects.toThrow(/that the postVerificationWarnings policy does not allow:[\s\S]*Something CPS wants reviewed/);
    expect(cps.sent("POST")).toEqual([]);
  });
});

describe("acknowledgePreVerification", () => {
  it("acknowledges the pre-verification check and names it in progress", async () => {
    const cps = cannedChanges([{ status: "wait-review-pre-verification-safety-checks", inputs: [INPUT.preVerificationWarnings] }, complete]);
    await follow(cps, [acknowledgePreVerification({ policy: "fail", policyInput: "preVerificationWarnings" }), untilComplete]);
    expect(cps.sent("POST")).toEqual([`POST ${INPUT.preVerificationWarnings} acknowledge`]);
    expect(cps.lines).toContain("acknowledged pre-verification check (no warning text)");
  });
});

describe("changeManagement", () => {
  const waiting: CannedStatus = { status: "wait-ack-change-management", inputs: [INPUT.changeManagement] };

  it("acknowledges with the validation result hash, once, with a progress line", async () => {
    const cps = cannedChanges([waiting, complete], { validationResultHash: "abcdef0123456789" });
    await follow(cps, [changeManagement({ acknowledge: true }), untilComplete]);
    expect(cps.sent("POST")).toEqual([`POST ${INPUT.changeManagement} acknowledge abcdef0123456789`]);
    expect(cps.lines).toContain("acknowledged change management (validation result abcdef012345…): deploying to production");
  });

  it("without acknowledge, the refusal tells the user how to go on and nothing is sent", async () => {
    const cps = cannedChanges([waiting]);
    await expect(follow(cps, [changeManagement({ acknowledge: false, refuse: (i) => new Error(`change ${i.changeId} waits for you`) }), untilComplete])).rejects.toThrow("change 20 waits for you");
    expect(cps.sent("POST")).toEqual([]);
  });

  it("without acknowledge and without a refusal, the next handler decides (done once on staging)", async () => {
    const cps = cannedChanges([waiting]);
    await expect(follow(cps, [changeManagement({ acknowledge: false }), doneWhen(isOnStaging, () => "staging")])).resolves.toBe("staging");
    expect(cps.sent("POST")).toEqual([]);
  });
});

describe("applySchedule", () => {
  it("sets the deployment window once over several polls and says so", async () => {
    const cps = cannedChanges([{ status: "deploy-cert-to-staging" }, { status: "deploy-cert-to-staging" }, complete]);
    await follow(cps, [applySchedule({ notBefore: "2030-01-01T00:00:00Z" }), untilComplete]);
    expect(cps.sent("PUT")).toEqual(["PUT deployment-schedule 10/20 2030-01-01T00:00:00Z -"]);
    expect(cps.lines).toContain("deployment window set: not before 2030-01-01T00:00:00Z, not after -");
  });

  it("without a schedule nothing is sent", async () => {
    const cps = cannedChanges([complete]);
    await follow(cps, [applySchedule(undefined), untilComplete]);
    expect(cps.sent("PUT")).toEqual([]);
  });
});

describe("doneWhen, waitingFor, observe, refuseWhen", () => {
  it("waits with the detail until the predicate holds; the change is read once per poll", async () => {
    const cps = cannedChanges([{ status: "verify-third-party-cert" }, { status: "deploy-cert-to-staging" }, { status: "wait-ack-change-management" }]);
    const statuses: string[] = [];
    const result = await follow(cps, [observe((c) => statuses.push(c.statusInfo.status)), doneWhen(isOnStaging, (c) => c.statusInfo.status), waitingFor("not on staging yet")]);
    expect(result).toBe("wait-ack-change-management");
    expect(statuses).toEqual(["verify-third-party-cert", "deploy-cert-to-staging", "wait-ack-change-management"]);
    expect(cps.requests).toEqual(["GET change 10/20", "GET change 10/20", "GET change 10/20"]);
    expect(cps.lines[0]).toBe("test change: verify-third-party-cert (running) - not on staging yet (0s)");
  });

  it("refuseWhen fails with its error", async () => {
    const cps = cannedChanges([{ status: "wait-review-pre-verification-safety-checks", inputs: [INPUT.preVerificationWarnings] }]);
    await expect(follow(cps, [refuseWhen((c) => c.allowedInput.length > 0, () => new Error("not this resource's input")), untilComplete])).rejects.toThrow("not this resource's input");
  });
});

describe("a change CPS answers 404 for", () => {
  it("goneMeansDone ends the follow", async () => {
    const cps = cannedChanges([undefined]);
    await expect(follow(cps, [untilComplete], { goneMeansDone: "done" })).resolves.toBe("done");
  });

  it("otherwise the 404 is the error", async () => {
    const cps = cannedChanges([undefined]);
    await expect(follow(cps, [untilComplete])).rejects.toBeInstanceOf(CpsApiError);
  });

  it("onGone decides the step (deleting: keep waiting)", async () => {
    const cps = cannedChanges([undefined, complete]);
    await expect(followChange(cps.ctx, ids, [untilComplete], { what: "deletion", timeoutMs: 60_000, onGone: () => ({ state: "deleting" }) })).resolves.toBe("done");
    expect(cps.lines[0]).toBe("deletion: deleting (0s)");
  });
});

describe("challenges and CSRs", () => {
  it("dvChallengesIssued waits until CPS has issued the challenges, then hands them over", async () => {
    const coordinating: CannedStatus = { status: "coodinate-domain-validation", inputs: [INPUT.letsEncryptChallenges] };
    const cps = cannedChanges([coordinating], { dvChallenges: [[], [{ domain: "www.example.com", validationStatus: "PENDING", token: "tok" }]] });
    const result = await follow(cps, [dvChallengesIssued((_c, challenges) => challenges)]);
    expect(result.dnsChallenges["www.example.com"]).toMatchObject({ recordName: "_acme-challenge.www.example.com", value: "tok" });
    expect(cps.lines[0]).toBe("test change: coodinate-domain-validation (awaiting-input) - waiting for CPS to issue the challenges (0s)");
  });

  it("thirdPartyCsrsReady waits for the CSR, thirdPartyUploadOffered hands over the input", async () => {
    const offered: CannedStatus = { status: "wait-upload-third-party", inputs: [INPUT.thirdPartyCertificate] };
    const empty = cannedChanges([offered]);
    const withCsr = cannedChanges([offered], { csrs: [{ keyAlgorithm: "RSA", csr: "-----BEGIN CERTIFICATE REQUEST-----" }] });
    await expect(follow(withCsr, [thirdPartyCsrsReady((_c, csrs) => csrs.map((c) => c.keyAlgorithm))])).resolves.toEqual(["RSA"]);
    await expect(follow(empty, [thirdPartyUploadOffered((input) => input.type)])).resolves.toBe(INPUT.thirdPartyCertificate);
  });
});

describe("deadline", () => {
  it("a follow that never ends times out with the last state", async () => {
    const cps = cannedChanges([{ status: "verify-third-party-cert" }]);
    await expect(follow(cps, [untilComplete])).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(follow(cps, [untilComplete])).rejects.toThrow(/waiting for test change; last state: verify-third-party-cert \(running\)/);
  });

  it("a step after the deadline is not started; a wait inside it gets the time left and its error", async () => {
    let t = 0;
    const deadline = new Deadline(1_000, () => new Error("issuance did not finish"), () => t);
    let started = 0;
    await deadline.step(async () => started++);
    t = 1_000;
    await expect(deadline.step(async () => started++)).rejects.toThrow("issuance did not finish");
    expect(started).toBe(1);
    t = 400;
    const given: number[] = [];
    await expect(
      deadline.wait(10_000, async (ms) => {
        given.push(ms);
        throw new WaitTimeoutError("dns-01 records", ms, "not visible");
      }),
    ).rejects.toThrow("issuance did not finish");
    expect(given).toEqual([600]);
  });
});

describe("retrying", () => {
  it("tries again while retryOn says so, and surfaces the last failure", async () => {
    let attempts = 0;
    const seen: number[] = [];
    const failing = retrying(
      async () => {
        attempts++;
        throw new Error(`attempt ${attempts}`);
      },
      { attempts: 3, retryOn: (_e, n) => (seen.push(n), true), sleep: async () => undefined, delayMs: () => 1 },
    );
    await expect(failing).rejects.toThrow("attempt 3");
    expect(attempts).toBe(3);
    // Every failure is shown to retryOn, the last one too (where a caller reads what landed).
    expect(seen).toEqual([1, 2, 3]);
  });

  it("an error retryOn throws (something landed) ends the retries with it", async () => {
    let attempts = 0;
    const landed = retrying(
      async () => {
        attempts++;
        throw new Error("reset");
      },
      {
        attempts: 5,
        retryOn: () => {
          throw new Error("an enrollment appeared");
        },
      },
    );
    await expect(landed).rejects.toThrow("an enrollment appeared");
    expect(attempts).toBe(1);
  });
});
