/**
 * The account's API budget as the user notices it, by what reaches the (fake) server: one-shot
 * calls survive any number of 429s, a 429 slows every request of the account, actions go before
 * polls, a 429 that says nothing waits for the window, and a wait longer than the resource's
 * timeout fails with a code instead of hanging. Time is virtual throughout.
 */
import { FakeCpsServer, TEST_CREDENTIALS, type Reply } from "./support/fake-cps-server";
import { CpsBudgetTimeoutError, CpsClient, deadlineIn, RateLimiter, withRequestContext, type CreateEnrollmentRequest, type RateLimit } from "../../provider/cps";

const changeBody = (description: string): Reply => ({
  body: { statusInfo: { status: "running", state: "running", description, error: null, deploymentSchedule: { notBefore: null, notAfter: null } }, allowedInput: [] },
});
const created: Reply = { status: 202, body: { enrollment: "/cps/v2/enrollments/10002", changes: ["/cps/v2/enrollments/10002/changes/1"] } };
/** The techdocs form: an unusable `Retry-After-` header and a detail without seconds. */
const techdocs429: Reply = {
  status: 429,
  headers: { "Content-Type": "application/problem+json", "Retry-After-": "7" },
  body: { type: "429 Too Many Requests", title: "Too Many Requests", detail: "You have exhausted your API Request Quota using Account: 1-ABC" },
};
const header429 = (seconds: number): Reply => ({
  status: 429,
  headers: { "Content-Type": "application/problem+json", "Retry-After": String(seconds) },
  body: { type: "429 Too Many Requests", title: "Too Many Requests", detail: `You have exhausted your API Request Quota. Retry after: ${seconds} seconds.` },
});

const dvEnrollment: CreateEnrollmentRequest["enrollment"] = {
  ra: "lets-encrypt",
  validationType: "dv",
  certificateType: "san",
  changeManagement: false,
  enableMultiStackedCertificates: false,
  networkConfiguration: { geography: "core", secureNetwork: "enhanced-tls", mustHaveCiphers: "ak-akamai-2020q1", preferredCiphers: "ak-akamai-2020q1", sniOnly: true, quicEnabled: false, disallowedTlsVersions: [], dnsNameSettings: { cloneDnsNames: false, dnsNames: [] } },
  signatureAlgorithm: "SHA-256",
  csr: { cn: "a.example.com", c: "US", st: "MA", l: "Cambridge", o: "Example", ou: "IT", sans: ["a.example.com"] },
  org: { name: "Example", addressLineOne: "1 Main St", city: "Cambridge", region: "MA", postalCode: "02142", country: "US", phone: "+1 617 555 0100" },
  adminContact: { firstName: "A", lastName: "B", email: "a@example.com", phone: "+1 617 555 0100", addressLineOne: "1 Main St", city: "Cambridge", region: "MA", postalCode: "02142", country: "US", organizationName: "Example" },
  techContact: { firstName: "A", lastName: "B", email: "a@example.com", phone: "+1 617 555 0100", addressLineOne: "1 Main St", city: "Cambridge", region: "MA", postalCode: "02142", country: "US", organizationName: "Example" },
};

interface VirtualWorld {
  client: CpsClient;
  limiter: RateLimiter;
  now: () => number;
  sleeps: number[];
  /** [virtual time, method, path] of every request the server received. */
  arrivals: Array<[number, string, string]>;
}

async function waitFor(condition: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met before the deadline");
    await new Promise((resolve) => setImmediate(resolve));
  }
}

let server: FakeCpsServer;
beforeAll(async () => {
  server = await FakeCpsServer.start();
});
afterAll(async () => {
  await server.stop();
});

/** A client on a virtual clock with the given windows; sleeping advances time at once. */
function world(limits: RateLimit | RateLimit[], handler: (method: string, path: string, n: number) => Reply): VirtualWorld {
  let time = 0;
  const sleeps: number[] = [];
  const arrivals: Array<[number, string, string]> = [];
  const clock = {
    now: () => time,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      // Requests granted before this sleep reach the server (and are answered) at the time they
      // were granted: time only moves once nothing is in flight.
      await waitFor(() => limiter.inFlightCount === 0);
      time += ms;
    },
  };
  let n = 0;
  server.reset((req) => {
    arrivals.push([time, req.method, req.path]);
    return handler(req.method, req.path, ++n);
  });
  const limiter = new RateLimiter(limits, clock);
  const client = CpsClient.create(
    { host: server.host, ...TEST_CREDENTIALS, caCertPem: server.certPem, env: {}, edgercPath: "/nonexistent" },
    { clock: { ...clock, random: () => 0.5 }, rateLimiter: limiter },
  );
  return { client, limiter, now: () => time, sleeps, arrivals };
}

describe("the account budget", () => {
  it("a create survives more 429s than the retry policy's attempts: it waits its turn, then is sent once more and succeeds", async () => {
    const w = world({ requests: 100, perMs: 1000 }, (_m, _p, n) => (n <= 8 ? header429(2) : created));
    const lines: string[] = [];
    try {
      const result = await withRequestContext({ deadline: deadlineIn(10 * 60_000, w.now), notify: (line) => lines.push(line) }, () =>
        w.client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment }),
      );
      expect(result.enrollmentId).toBe(10002);
      // 8 turned away (more than the 5 attempts of the retry policy), the 9th accepted, nothing more.
      expect(w.arrivals.map(([, method]) => method)).toEqual(Array(9).fill("POST"));
      expect(lines).toHaveLength(8);
      expect(lines[0]).toMatch(/^waiting for API budget: CPS answered 429 Too Many Requests to POST \/cps\/v2\/enrollments; every request of this account waits 2 s as CPS asked/);
    } finally {
      w.client.close();
    }
  });

  it("a 429 that names no wait (the techdocs form) waits for the window to pass, not a short backoff", async () => {
    const w = world({ requests: 10, perMs: 60_000 }, (_m, path, n) => (n === 3 ? techdocs429 : changeBody(path)));
    try {
      await w.client.getChangeStatus(1, 1);
      await w.client.getChangeStatus(1, 2);
      await w.client.getChangeStatus(1, 3);
      // Turned away at t=0 with the window holding our two requests counted at t=0: the retry goes
      // when they leave the minute window, not 0.5–8 s later.
      expect(w.arrivals.map(([t]) => t)).toEqual([0, 0, 0, 60_000]);
    } finally {
      w.client.close();
    }
  });

  it("one 429 halves the rate of every request of the account, and answers bring it back gradually", async () => {
    const w = world({ requests: 8, perMs: 1000 }, (_m, path, n) => (n === 1 ? header429(1) : changeBody(path)));
    try {
      await Promise.all(Array.from({ length: 24 }, (_, i) => w.client.getChangeStatus(1, i + 1)));
      expect(w.arrivals).toHaveLength(25);
      const perSecond = new Map<number, number>();
      for (const [t] of w.arrivals) perSecond.set(t / 1000, (perSecond.get(t / 1000) ?? 0) + 1);
      // Second 0: the full 8 (one answered 429 with Retry-After: 1). Then every request of the
      // account runs at half the rate, one more per window for each window without a 429.
      expect([...perSecond.entries()]).toEqual([
        [0, 8],
        [1, 4],
        [2, 5],
        [3, 6],
        [4, 2],
      ]);
      expect(w.limiter.state.limits).toBe("7/1s");
    } finally {
      w.client.close();
    }
  });

  it("actions go before polls queued earlier", async () => {
    const w = world({ requests: 1, perMs: 1000 }, (method, path) => (method === "POST" ? created : changeBody(path)));
    try {
      const polls = [1, 2, 3].map((id) => w.client.getChangeStatus(1, id));
      const action = w.client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment });
      await Promise.all([...polls, action]);
      // Poll 1 was granted at once; the create, queued after polls 2 and 3, goes before them.
      expect(w.arrivals.map(([, method, path]) => `${method} ${path}`)).toEqual([
        "GET /cps/v2/enrollments/1/changes/1",
        "POST /cps/v2/enrollments",
        "GET /cps/v2/enrollments/1/changes/2",
        "GET /cps/v2/enrollments/1/changes/3",
      ]);
    } finally {
      w.client.close();
    }
  });

  it("a budget wait longer than the resource's timeout fails with RateLimited, having sent nothing more", async () => {
    const w = world({ requests: 10, perMs: 1000 }, () => header429(600));
    try {
      const call = withRequestContext({ deadline: deadlineIn(60_000, w.now) }, () => w.client.createEnrollment({ contractId: "K-1", enrollment: dvEnrollment }));
      await expect(call).rejects.toBeInstanceOf(CpsBudgetTimeoutError);
      await expect(call).rejects.toMatchObject({ code: "RateLimited" });
      expect(w.arrivals).toHaveLength(1);
    } finally {
      w.client.close();
    }
  });

  it("prints that the budget is the bottleneck when requests queue", async () => {
    const w = world([{ requests: 2, perMs: 60_000 }], (_m, path) => changeBody(path));
    const lines: string[] = [];
    try {
      await withRequestContext({ notify: (line) => lines.push(line) }, () => Promise.all([1, 2, 3, 4].map((id) => w.client.getChangeStatus(1, id))));
      expect(w.arrivals.map(([t]) => t)).toEqual([0, 0, 60_000, 60_000]);
      expect(lines[0]).toMatch(/^waiting for API budget: \d+ requests queued, account limit 2\/min$/);
    } finally {
      w.client.close();
    }
  });

  it("waits of one stack reading the same change at once share one request; different reads do not", async () => {
    const w = world({ requests: 1, perMs: 1000 }, (_m, path) => changeBody(path));
    try {
      // One read goes at once; the rest queue for budget behind it — eight waits on change 7 of
      // enrollment 1 (a DvValidation and a Deployment of one enrollment, say) and one on change 8.
      const first = w.client.getChangeStatus(1, 6);
      const same = Array.from({ length: 8 }, () => w.client.getChangeStatus(1, 7));
      const other = w.client.getChangeStatus(1, 8);
      const results = await Promise.all([first, ...same, other]);
      expect(results.map((r) => r.statusInfo.description)).toEqual([
        "/cps/v2/enrollments/1/changes/6",
        ...Array(8).fill("/cps/v2/enrollments/1/changes/7"),
        "/cps/v2/enrollments/1/changes/8",
      ]);
      expect(w.arrivals.map(([, , path]) => path)).toEqual(["/cps/v2/enrollments/1/changes/6", "/cps/v2/enrollments/1/changes/7", "/cps/v2/enrollments/1/changes/8"]);
    } finally {
      w.client.close();
    }
  });

  it("the default budget is half of Akamai's 35 a minute, plus 20 per 2 s", () => {
    const client = CpsClient.create({ host: server.host, ...TEST_CREDENTIALS, caCertPem: server.certPem, env: {}, edgercPath: "/nonexistent", accountKey: "DEFAULTS-TEST" });
    try {
      expect(client.budget).toBe("17/min, 20/2s");
    } finally {
      client.close();
    }
    const mine = CpsClient.create({ host: server.host, ...TEST_CREDENTIALS, caCertPem: server.certPem, env: {}, edgercPath: "/nonexistent", accountKey: "OWN-TEST", requestsPerMinute: 100, budgetShare: 0.8, requestsPerTwoSeconds: 10 });
    try {
      expect(mine.budget).toBe("80/min, 10/2s");
    } finally {
      mine.close();
    }
  });
});
