/**
 * The Enrollment's decisions against an in-memory CPS (test/support/fake-cps.ts), through the same
 * adapter the dynamic-provider host calls, with the context injected: what `pulumi preview` plans,
 * which enrollment id a create keeps, the request that is never sent, the error a user reads.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defineResource } from "../../../provider/resources/define-resource";
import { enrollmentProvider } from "../../../provider/resources/enrollment";
import { enrollmentInputsSchema } from "../../../provider/resources/enrollment-inputs";
import { enrollmentRequest } from "../../../provider/resources/enrollment-spec";
import { readJournal, writeJournal } from "../../../provider/resources/create-journal";
import { UNKNOWN } from "../../../provider/resources/unknowns";
import { FakeCps, fakeContext } from "../../support/fake-cps";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
/** The program's inputs, as the SDK passes them (with the keys it adds). */
const given = {
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  sans: ["example.com"],
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  __cpsName: "www",
  __cpsStack: "org/proj/dev",
};

function setup() {
  const cps = new FakeCps();
  const ctx = fakeContext(cps, "www");
  const provider = defineResource(enrollmentProvider.definition, () => ctx);
  /** An enrollment in CPS exactly as the program declares it (optionally with other inputs). */
  const existing = (inputs: Record<string, unknown> = given, change?: Parameters<FakeCps["openChange"]>[1]) =>
    cps.addEnrollment("K-0N7RAK71", enrollmentRequest(enrollmentInputsSchema.parse(strip(inputs))), change ? { change } : {});
  /** State as the last `up` wrote it. */
  const state = (enrollmentId: number, outputs: Record<string, unknown> = {}) => ({ ...given, enrollmentId, pendingChangeId: null, challengeChangeId: null, ...outputs });
  return { cps, ctx, provider, existing, state };
}

function strip(inputs: Record<string, unknown>): Record<string, unknown> {
  const { __cpsName: _n, __cpsStack: _s, ...rest } = inputs;
  return rest;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-decisions-"));
  process.env.PULUMI_AKAMAI_CPS_JOURNAL_DIR = dir;
});
afterEach(() => {
  delete process.env.PULUMI_AKAMAI_CPS_JOURNAL_DIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Enrollment diff: what preview plans", () => {
  it("plans nothing when CPS holds what the program declares", async () => {
    const { provider, existing, state } = setup();
    const { enrollmentId } = existing();
    expect(await provider.diff(String(enrollmentId), state(enrollmentId), given)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("plans an update for a change made in Control Center (drift), and says what differs", async () => {
    const { provider, existing, state, ctx } = setup();
    const { enrollmentId } = existing({ ...given, sans: ["example.com", "old.example.com"] });
    expect(await provider.diff(String(enrollmentId), state(enrollmentId), given)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(ctx.lines.join("\n")).toMatch(new RegExp(`live enrollment ${enrollmentId} differs from the program in: .*sans`));
  });

  it("plans an update without a CPS change for a provider-only input (a timeout), and update sends no PUT", async () => {
    const { provider, existing, state, cps } = setup();
    const { enrollmentId } = existing();
    const news = { ...given, timeout: "45m" };
    expect(await provider.diff(String(enrollmentId), state(enrollmentId), news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const { outs } = await provider.update(String(enrollmentId), state(enrollmentId), news);
    expect(cps.count(`PUT /cps/v2/enrollments/${enrollmentId}`)).toBe(0);
    expect(outs).toMatchObject({ enrollmentId, timeout: "45m", status: "active", pendingChangeId: null });
  });

  it("plans an update when CPS opened a change the state does not know (a renewal)", async () => {
    const { provider, existing, state, cps, ctx } = setup();
    const { enrollmentId } = existing();
    const renewal = cps.openChange(enrollmentId, { status: "coodinate-domain-validation", changeType: "renewal" });
    expect(await provider.diff(String(enrollmentId), state(enrollmentId), given)).toMatchObject({ changes: true, replaces: [] });
    expect(ctx.lines.join("\n")).toContain(`CPS opened change ${renewal} (renewal)`);
    // Once state records it, the same change plans nothing.
    expect(await provider.diff(String(enrollmentId), state(enrollmentId, { pendingChangeId: renewal }), given)).toMatchObject({ changes: false });
  });

  it.each([
    ["deletes first (CPS refuses a second enrollment with the name)", {}, true],
    ["creates first with allowDuplicateCommonName", { allowDuplicateCommonName: true }, false],
  ])("a new common name replaces the enrollment and %s", async (_label, extra, deleteBeforeReplace) => {
    const { provider, existing, state } = setup();
    const { enrollmentId } = existing();
    const news = { ...given, ...extra, commonName: "shop.example.com" };
    expect(await provider.diff(String(enrollmentId), state(enrollmentId, extra), news)).toEqual({ changes: true, replaces: ["commonName"], deleteBeforeReplace });
  });

  it("plans to create an enrollment deleted outside Pulumi again, deleting first", async () => {
    const { provider, existing, state, cps, ctx } = setup();
    const { enrollmentId } = existing();
    cps.deleteEnrollment(enrollmentId);
    expect(await provider.diff(String(enrollmentId), state(enrollmentId), given)).toEqual({ changes: true, replaces: ["enrollmentId"], deleteBeforeReplace: true });
    expect(ctx.lines.join("\n")).toContain("no longer exists in CPS (deleted outside Pulumi)");
  });

  it("plans an update, not a replacement, while an input is unknown (and asks CPS nothing)", async () => {
    const { provider, state, cps } = setup();
    expect(await provider.diff("10001", state(10001), { ...given, sans: UNKNOWN })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(await provider.diff("10001", state(10001), { ...given, commonName: UNKNOWN })).toEqual({ changes: true, replaces: ["commonName"], deleteBeforeReplace: false });
    expect(cps.requests).toEqual([]);
  });
});

describe("Enrollment create", () => {
  it("posts once and follows the new change to its actionable point", async () => {
    const { provider, cps } = setup();
    const { id, outs } = await provider.create(given);
    expect(cps.count("POST /cps/v2/enrollments")).toBe(1);
    expect(outs).toMatchObject({ enrollmentId: Number(id), changeType: "new-certificate", status: "wait-ack-change-management", adopted: false, domains: ["www.example.com", "example.com"] });
    expect(readJournal({ account: cps.baseUrl, stack: given.__cpsStack, name: given.__cpsName })).toBeUndefined();
  });

  it("resumes the enrollment its own interrupted run created (create journal): same id, no second POST", async () => {
    const { provider, cps, existing, ctx } = setup();
    const { enrollmentId, changeId } = existing(given, { status: "wait-ack-change-management", changeType: "new-certificate", inputs: ["change-management"] });
    writeJournal({ account: cps.baseUrl, stack: given.__cpsStack, name: given.__cpsName, contractId: "K-0N7RAK71", commonName: "www.example.com", postStartedAt: "2026-12-01T12:00:00Z", enrollmentId });
    const { id, outs } = await provider.create(given);
    expect(id).toBe(String(enrollmentId));
    expect(outs).toMatchObject({ pendingChangeId: changeId });
    expect(cps.count("POST /cps/v2/enrollments")).toBe(0);
    expect(ctx.lines.join("\n")).toContain(`resuming enrollment ${enrollmentId}, created by this resource's interrupted run`);
  });

  it("adopts adoptEnrollmentId: that id, adopted: true, no POST", async () => {
    const { provider, cps, existing } = setup();
    const { enrollmentId } = existing();
    const { id, outs } = await provider.create({ ...given, adoptEnrollmentId: enrollmentId });
    expect(id).toBe(String(enrollmentId));
    expect(outs).toMatchObject({ adopted: true, enrollmentId });
    expect(cps.count("POST /cps/v2/enrollments")).toBe(0);
  });

  it("never posts again after a POST whose answer was lost and whose enrollment appeared: it is reported, not taken", async () => {
    const { provider, cps } = setup();
    cps.failNext("createEnrollment", { kind: "lost" });
    const error = await provider.create(given).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/CPS did not answer the request that creates the enrollment .* appeared with the common name www\.example\.com\. It may be this resource's or another stack's create, so it is not taken/);
    expect(cps.count("POST /cps/v2/enrollments")).toBe(1);
  });

  it("posts again after a 5xx when nothing landed, and keeps the one enrollment created", async () => {
    const { provider, cps } = setup();
    cps.failNext("createEnrollment", { kind: "status", status: 502 });
    const { id } = await provider.create(given);
    expect(cps.count("POST /cps/v2/enrollments")).toBe(2);
    expect((await cps.listEnrollments("K-0N7RAK71")).map((e) => String(e.id))).toEqual([id]);
  });

  it("reports a duplicate common name (409) naming the enrollment that holds it", async () => {
    const { provider, cps, existing } = setup();
    const { enrollmentId } = existing();
    cps.failNext("createEnrollment", { kind: "status", status: 409, title: "Conflict", detail: "duplicate common name" });
    await expect(provider.create(given)).rejects.toThrow(new RegExp(`${enrollmentId}`));
    expect(cps.count("POST /cps/v2/enrollments")).toBe(1);
  });
});

describe("Enrollment update: the pending-change guard", () => {
  it("refuses to cancel a pending renewal, naming it, and sends no PUT", async () => {
    const { provider, existing, state, cps } = setup();
    const { enrollmentId, changeId } = existing(given, { status: "wait-upload-third-party", changeType: "renewal" });
    const news = { ...given, sans: ["example.com", "new.example.com"] };
    await expect(provider.update(String(enrollmentId), state(enrollmentId, { pendingChangeId: changeId }), news)).rejects.toThrow(
      new RegExp(`Enrollment ${enrollmentId} has a pending change ${changeId} \\(renewal, status wait-upload-third-party.*\\)\\. Updating it now would cancel that change \\(a renewal\\)\\..*cancelPendingChanges: true`),
    );
    expect(cps.count(`PUT /cps/v2/enrollments/${enrollmentId}`)).toBe(0);
  });

  it("with cancelPendingChanges it sends the PUT and follows the change CPS started", async () => {
    const { provider, existing, state, cps } = setup();
    const { enrollmentId, changeId } = existing(given, { status: "wait-upload-third-party", changeType: "renewal" });
    const news = { ...given, sans: ["example.com", "new.example.com"], cancelPendingChanges: true };
    const { outs } = await provider.update(String(enrollmentId), state(enrollmentId, { pendingChangeId: changeId }), news);
    expect(cps.count(`PUT /cps/v2/enrollments/${enrollmentId}`)).toBe(1);
    expect(outs).toMatchObject({ lastUpdateStartedNewCertificate: true, status: "wait-ack-change-management" });
    expect(outs?.pendingChangeId).not.toBe(changeId);
  });
});

describe("Enrollment read and delete", () => {
  it("reads an enrollment deleted outside Pulumi as gone", async () => {
    const { provider, existing, state, cps } = setup();
    const { enrollmentId } = existing();
    cps.deleteEnrollment(enrollmentId);
    expect(await provider.read(String(enrollmentId), state(enrollmentId))).toEqual({ id: "", props: {} });
  });

  it("refuses to delete an enrollment whose certificate is live on production, and sends no DELETE", async () => {
    const { provider, existing, state, cps } = setup();
    const { enrollmentId } = existing();
    cps.deploy(enrollmentId, "production", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    await expect(provider.delete(String(enrollmentId), state(enrollmentId))).rejects.toThrow(/live on production|allowDeleteWhileDeployed/);
    expect(cps.count(`DELETE /cps/v2/enrollments/${enrollmentId}`)).toBe(0);
  });

  it("acknowledges the warnings CPS raises while deleting, and waits until the enrollment is gone", async () => {
    const { provider, existing, state, cps, ctx } = setup();
    const { enrollmentId } = existing();
    await provider.delete(String(enrollmentId), state(enrollmentId));
    expect(cps.acknowledgements).toEqual(["post-verification-warnings-acknowledgement:acknowledge"]);
    expect(await cps.findEnrollment(enrollmentId)).toBeUndefined();
    expect(ctx.lines.join("\n")).toContain(`CPS is removing enrollment ${enrollmentId} from the network`);
  });

  it("counts an enrollment already gone as deleted", async () => {
    const { provider, state, cps } = setup();
    await expect(provider.delete("10099", state(10099))).resolves.toBeUndefined();
    expect(cps.acknowledgements).toEqual([]);
  });
});
