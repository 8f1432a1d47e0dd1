import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dvEnrollment, lastId, startHarness, T, type Harness } from "./harness";
import { waitFor } from "./signer";

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side reading of validated JSON

describe("admin API and --state persistence", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-emu-state-"));
  const stateFile = path.join(dir, "state.json");
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("edits an enrollment out of band, fails a validation, counts requests, and survives a restart", async () => {
    h = await startHarness({ stateFile, dataDir: dir, section: "emu" });
    expect(fs.readFileSync(h.emulator.edgerc, "utf8")).toMatch(/^\[emu\]\nhost = 127\.0\.0\.1:\d+\nclient_token = akab-/);
    const created = await h.client.request("POST", "/cps/v2/enrollments?contractId=K-A", { accept: T("enrollment-status", 1), contentType: T("enrollment", 12), body: dvEnrollment("admin.example") });
    const e = lastId((created.body as J).enrollment);
    const c = lastId((created.body as J).changes[0]);

    await waitFor("coordination", async () => (((await h!.admin("GET", `/changes/${c}`)).body as J).status === "coodinate-domain-validation" ? true : undefined));
    await h.admin("POST", "/domains/admin.example/fail", { validationStatus: "RESPONSE_ERROR", error: "TXT record not found" });
    await waitFor("failed check", async () => {
      const dv = ((await h!.client.request("GET", `/cps/v2/enrollments/${e}/changes/${c}/input/info/lets-encrypt-challenges`, { accept: T("dv-challenges", 2) })).body as J).dv[0];
      return dv.error === "TXT record not found" ? dv : undefined;
    });

    // Control Center edit: a cipher change and an extra SAN show up in GET, no change is opened
    const patched = await h.admin("PATCH", `/enrollments/${e}`, { csr: { sans: ["admin.example", "extra.admin.example"] }, networkConfiguration: { mustHaveCiphers: "ak-akamai-2020q1-strict" } });
    expect(patched.status).toBe(200);
    const got = (await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 12) })).body as J;
    expect(got.csr.sans).toEqual(["admin.example", "extra.admin.example"]);
    expect(got.networkConfiguration.mustHaveCiphers).toBe("ak-akamai-2020q1-strict");
    expect(got.pendingChanges).toEqual([{ location: `/cps/v2/enrollments/${e}/changes/${c}`, changeType: "new-certificate" }]);

    const stats = (await h.admin("GET", "/stats")).body as J;
    expect(stats.byOperation["post-enrollment"]).toBe(1);
    expect(stats.byOperation["get-enrollment"]).toBe(1);
    expect(h.emulator.stats().requests).toBe(stats.requests);
    await h.admin("DELETE", "/stats");
    expect(((await h.admin("GET", "/stats")).body as J).requests).toBe(0);

    await h.stop();
    h = await startHarness({ stateFile, dataDir: dir, section: "emu" });
    const reloaded = await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 11) });
    expect(reloaded.status).toBe(200);
    expect((reloaded.body as J).csr.sans).toContain("extra.admin.example");
    // the DV order is re-opened after a restart; an admin verdict still completes the change
    await h.admin("POST", "/domains/admin.example/validate", {});
    await h.admin("POST", "/domains/extra.admin.example/validate", {});
    await waitFor("complete after restart", async () => (((await h!.admin("GET", `/changes/${c}`)).body as J).status === "complete" ? true : undefined));

    // out-of-band delete, then reset
    expect((await h.admin("DELETE", `/enrollments/${e}`)).status).toBe(200);
    expect((await h.client.request("GET", `/cps/v2/enrollments/${e}`, { accept: T("enrollment", 12) })).status).toBe(404);
    await h.admin("POST", "/reset");
    expect(((await h.admin("GET", "/enrollments")).body as J[]).length).toBe(0);
  });
});
