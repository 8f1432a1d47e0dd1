/**
 * The emulator's default budget is Akamai's: 35 requests a minute and 20 per 2 s per account
 * (whatever the credentials), GET /active-certificates 10 a minute, 429s in both published shapes,
 * another tenant taking part of the budget, and an admin report per account and minute. Time is
 * the emulator's clock, moved by the test.
 */
import { startHarness, T, type Harness } from "./harness";

let h: Harness;
const list = (account?: string) =>
  h.client.request("GET", `/cps/v2/enrollments?contractId=K-1${account !== undefined ? `&accountSwitchKey=${account}` : ""}`, { accept: T("enrollments", 11) });

beforeEach(async () => {
  // Akamai's documented budget: the defaults, untouched. The emulator's clock all but stands still
  // (a machine under load must not slide the windows): only the test moves it.
  h = await startHarness({ rateLimits: {}, timeScale: 1e-6 });
});
afterEach(async () => {
  await h.stop();
});

async function statuses(n: number, account?: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await list(account)).status);
  return out;
}

describe("the account budget (defaults)", () => {
  it("allows 20 per 2 s and 35 a minute, then answers 429 in the OpenAPI shape and the techdocs shape, alternately", async () => {
    expect(await statuses(20)).toEqual(Array(20).fill(200));
    const short = await list();
    expect(short.status).toBe(429);
    // Seconds of real time (this clock all but stands still, so they are many): header and detail agree.
    const seconds = String(short.headers["retry-after"]);
    expect(seconds).toMatch(/^[1-9]\d*$/);
    expect(short.body).toMatchObject({ type: "429 Too Many Requests", title: "Too Many Requests", detail: `You have exhausted your API Request Quota. Retry after: ${seconds} seconds.` });
    h.emulator.clock.advance(2_001);
    expect(await statuses(15)).toEqual(Array(15).fill(200));
    const minute = await list();
    expect(minute.status).toBe(429);
    // The techdocs form: an unusable header name and no seconds in the detail.
    expect(minute.headers["retry-after"]).toBeUndefined();
    expect(minute.headers["retry-after-"]).toBeDefined();
    expect(minute.body).toMatchObject({ detail: "You have exhausted your API Request Quota using Account: (own account)" });
    const third = await list();
    expect(third.headers["retry-after"]).toMatch(/^[1-9]\d*$/);
    h.emulator.clock.advance(58_000);
    expect((await list()).status).toBe(200);
  });

  it("counts per account: another accountSwitchKey has its own budget; the admin API reports requests and 429s per account and minute", async () => {
    await statuses(20);
    expect((await list()).status).toBe(429);
    expect((await list("B-1")).status).toBe(200);
    const report = (await h.admin("GET", "/rate-limits")).body as { windows: unknown; accounts: Array<{ account: string; requests: number; rateLimited: number; minutes: Array<{ requests: number; rateLimited: number }> }> };
    expect(report.windows).toEqual([
      { requests: 35, perMs: 60_000 },
      { requests: 20, perMs: 2_000 },
    ]);
    const own = report.accounts.find((a) => a.account === "(own account)")!;
    expect(own).toMatchObject({ requests: 21, rateLimited: 1 });
    expect(own.minutes.reduce((n, m) => n + m.requests, 0)).toBe(21);
    expect(report.accounts.find((a) => a.account === "B-1")).toMatchObject({ requests: 1, rateLimited: 0 });
  });

  it("GET /active-certificates has 10 a minute of its own", async () => {
    const active = () => h.client.request("GET", "/cps/v2/active-certificates?contractId=K-1", { accept: T("active-certificates", 2) });
    const seen: number[] = [];
    for (let i = 0; i < 11; i++) {
      seen.push((await active()).status);
      h.emulator.clock.advance(500); // well inside 20 per 2 s
    }
    expect(seen).toEqual([...Array(10).fill(200), 429]);
    expect((await list()).status).toBe(200);
  });

  it("another tenant sending 40 % of the minute budget takes its slots: ours and its fill exactly the 35 of the minute", async () => {
    await h.admin("PUT", "/rate-limits", { otherTenant: { requestsPerMinute: 14 } });
    const seen: number[] = [];
    for (let i = 0; i < 30; i++) {
      seen.push((await list()).status);
      h.emulator.clock.advance(2_000); // one every 2 s, 0 s to 58 s: only the minute window binds
    }
    const report = (await h.admin("GET", "/rate-limits")).body as { accounts: Array<{ otherTenantRequests: number; rateLimited: number }> };
    const tenant = report.accounts[0]!.otherTenantRequests;
    const ours = seen.filter((s) => s === 200).length;
    expect(tenant).toBeGreaterThanOrEqual(10);
    expect(ours + tenant).toBe(35);
    expect(report.accounts[0]!.rateLimited).toBe(30 - ours);
  });

  it("can be turned off, as harnesses of tests that are not about limits do", async () => {
    await h.admin("PUT", "/rate-limits", { enabled: false });
    expect(await statuses(40)).toEqual(Array(40).fill(200));
  });
});
