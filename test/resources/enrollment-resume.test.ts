/**
 * The resume rule without a server: a create takes over only the enrollment its own journal names,
 * and after an unanswered POST an enrollment that appeared with the name is reported, not taken.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CpsApiError, type CpsClient, type Enrollment } from "../../provider/cps";
import { readJournal, writeJournal } from "../../provider/resources/create-journal";
import { postEnrollment, startCreate } from "../../provider/resources/enrollment-resume";
import { enrollmentInputsSchema } from "../../provider/resources/enrollment-inputs";
import { progressFor, setProgressSink } from "../../provider/lifecycle/progress";

const contact = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", phone: "+1 617 555 0100" };
const inputs = enrollmentInputsSchema.parse({
  contractId: "K-0N7RAK71",
  commonName: "www.example.com",
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
});
const A = { account: "https://akab-test.luna.akamaiapis.net", stack: "org/proj/a", name: "www" };
const B = { ...A, stack: "org/proj/b" };

function enrollment(id: number, cn = "www.example.com"): Enrollment {
  return { id, csr: { cn, sans: [cn] }, pendingChanges: [{ changeId: id + 10000, changeType: "new-certificate" }] } as unknown as Enrollment;
}

/** Just the calls the create path makes, with a list that tests can change and a scripted POST. */
function stubClient(list: Enrollment[], post: () => Promise<{ enrollmentId: number; changeIds: number[] }>) {
  const calls = { posts: 0 };
  const client = {
    baseUrl: A.account,
    listEnrollments: async () => [...list],
    getChangeHistory: async () => ({ changes: [{ createdOn: "2026-12-01T12:03:05Z" }] }),
    createEnrollment: async () => {
      calls.posts++;
      return post();
    },
  } as unknown as CpsClient;
  return { client, calls };
}

let dir: string;
const progress = progressFor("test");
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cps-journal-test-"));
  process.env.PULUMI_AKAMAI_CPS_JOURNAL_DIR = dir;
});
afterEach(() => {
  delete process.env.PULUMI_AKAMAI_CPS_JOURNAL_DIR;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the resume rule", () => {
  it("resumes the enrollment this resource's journal names", async () => {
    writeJournal({ ...A, contractId: "K-0N7RAK71", commonName: "www.example.com", postStartedAt: "2026-12-01T12:03:04Z", enrollmentId: 10002 });
    const { client } = stubClient([enrollment(10001), enrollment(10002)], async () => ({ enrollmentId: 1, changeIds: [] }));
    const start = await startCreate(client, inputs, A, progress);
    expect(start.kind).toBe("resume");
    if (start.kind === "resume") expect(start.enrollment.id).toBe(10002);
  });

  it("does not resume another stack's journaled enrollment with the same resource name", async () => {
    writeJournal({ ...A, contractId: "K-0N7RAK71", commonName: "www.example.com", postStartedAt: "2026-12-01T12:03:04Z", enrollmentId: 10001 });
    const { client } = stubClient([enrollment(10001)], async () => ({ enrollmentId: 1, changeIds: [] }));
    const start = await startCreate(client, inputs, B, progress);
    expect(start.kind).toBe("post");
    if (start.kind === "post") expect(start.sameName.map((e) => e.id)).toEqual([10001]);
  });

  it("after an unanswered POST, an enrollment that appeared with the name is reported, not taken", async () => {
    const list: Enrollment[] = [];
    const { client, calls } = stubClient(list, async () => {
      list.push(enrollment(10001)); // applied by CPS (or posted by another stack meanwhile)…
      throw new CpsApiError({ status: 503, method: "POST", path: "/cps/v2/enrollments", title: "forward-origin-error" }); // …and the answer lost
    });
    const start = await startCreate(client, inputs, A, progress);
    if (start.kind !== "post") throw new Error("expected a post");
    const reported = postEnrollment(client, inputs, A, start, progress);
    await expect(reported).rejects.toThrow(/enrollment 10001 \(created 2026-12-01T12:03:05Z.*not taken.*adoptEnrollmentId: 10001/s);
    await expect(reported).rejects.toMatchObject({ code: "AnotherEnrollmentHasCommonName" });
    expect(calls.posts).toBe(1); // never posted again
    expect(readJournal(A)).toMatchObject({ postStartedAt: expect.any(String) }); // the intent stays for the next run's report
    expect(readJournal(A)?.enrollmentId).toBeUndefined();
  });

  it("after an unanswered POST that landed nowhere, posts again and journals the id", async () => {
    let first = true;
    const { client, calls } = stubClient([], async () => {
      if (first) {
        first = false;
        throw new CpsApiError({ status: 503, method: "POST", path: "/cps/v2/enrollments" });
      }
      return { enrollmentId: 10003, changeIds: [20003] };
    });
    const start = await startCreate(client, inputs, A, progress);
    if (start.kind !== "post") throw new Error("expected a post");
    await expect(postEnrollment(client, inputs, A, start, progress)).resolves.toEqual({ enrollmentId: 10003, changeId: 20003 });
    expect(calls.posts).toBe(2);
    expect(readJournal(A)?.enrollmentId).toBe(10003);
  });

  it("ignores a journal file written for another identity (a collision or an edit)", () => {
    writeJournal({ ...A, contractId: "K-0N7RAK71", commonName: "www.example.com", postStartedAt: "2026-12-01T12:03:04Z", enrollmentId: 10001 });
    const [file] = fs.readdirSync(dir);
    const entry = JSON.parse(fs.readFileSync(path.join(dir, file!), "utf8")) as Record<string, unknown>;
    fs.writeFileSync(path.join(dir, file!), JSON.stringify({ ...entry, stack: B.stack }));
    expect(readJournal(A)).toBeUndefined();
  });
});

describe("credentials that may create but not list (403 on GET /enrollments)", () => {
  const forbidden = () => new CpsApiError({ status: 403, method: "GET", path: "/cps/v2/enrollments?contractId=K-0N7RAK71", title: "Forbidden" });

  it("create goes ahead without looking for one to resume, and says why", async () => {
    const lines: string[] = [];
    const { client } = stubClient([], async () => ({ enrollmentId: 10001, changeIds: [20001] }));
    (client as unknown as { listEnrollments: () => Promise<Enrollment[]> }).listEnrollments = async () => {
      throw forbidden();
    };
    const previous = setProgressSink((line) => lines.push(line));
    let start;
    try {
      start = await startCreate(client, inputs, A, progress);
    } finally {
      setProgressSink(previous);
    }
    expect(start).toEqual({ kind: "post", sameName: [] });
    expect(lines.join("\n")).toMatch(/refused to list the enrollments of contract K-0N7RAK71 \(403\); creating without looking/);
  });

  it("never posts blind when this resource's interrupted create is on record", async () => {
    writeJournal({ ...A, contractId: "K-0N7RAK71", commonName: "www.example.com", postStartedAt: "2026-12-01T12:03:04Z", enrollmentId: 10002 });
    const { client } = stubClient([], async () => ({ enrollmentId: 1, changeIds: [] }));
    (client as unknown as { listEnrollments: () => Promise<Enrollment[]> }).listEnrollments = async () => {
      throw forbidden();
    };
    await expect(startCreate(client, inputs, A, progress)).rejects.toMatchObject({ code: "CredentialsInvalid", status: 403 });
  });
});

describe("a 409 on create", () => {
  it("that is the creation throttle is not reported as a duplicate common name, even when another enrollment has the name", async () => {
    const { client } = stubClient([enrollment(10001)], async () => {
      throw new CpsApiError({ status: 409, method: "POST", path: "/cps/v2/enrollments", title: "Conflict", detail: "You can create one certificate every five minutes." });
    });
    const start = await startCreate(client, { ...inputs, allowDuplicateCommonName: true }, A, progress);
    if (start.kind !== "post") throw new Error("expected a post");
    const failure = postEnrollment(client, { ...inputs, allowDuplicateCommonName: true }, A, start, progress);
    await expect(failure).rejects.toThrow(/five minutes/);
    await expect(failure).rejects.not.toThrow(/refused a second enrollment/);
    await expect(failure).rejects.toMatchObject({ code: "RequestRefused" });
  });
});
