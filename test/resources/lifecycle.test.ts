import { classifyWarnings, decideWarnings } from "../../provider/lifecycle/warnings";
import { extractChallenges } from "../../provider/lifecycle/challenges";
import { waitUntil, WaitTimeoutError } from "../../provider/lifecycle/poll";

describe("warnings", () => {
  const text =
    "[WARNINGS]\nThe following domain(s) overlap domains on another certificate: www.example.com.\nSomething we have never seen before.";

  it("maps CPS texts to stable IDs and gives unknown texts a derived ID", () => {
    const ws = classifyWarnings(text);
    expect(ws.map((w) => w.id)).toEqual(["OVERLAPPING_TRAFFIC_CLASS", expect.stringMatching(/^UNKNOWN_[0-9A-F]{8}$/)]);
    expect(classifyWarnings(text)[1]!.id).toBe(ws[1]!.id);
  });

  it("acknowledges only when every warning is allowed", () => {
    expect(decideWarnings(text, ["OVERLAPPING_TRAFFIC_CLASS"]).acknowledge).toBe(false);
    expect(decideWarnings(text, "fail").refused).toHaveLength(2);
    const unknownId = classifyWarnings(text)[1]!.id;
    expect(decideWarnings(text, ["OVERLAPPING_TRAFFIC_CLASS", unknownId]).acknowledge).toBe(true);
    expect(decideWarnings(text, "acknowledge-all").acknowledge).toBe(true);
  });
});

describe("challenges", () => {
  it("keys DNS and HTTP challenges by lower-cased domain, without the trailing dot", () => {
    const out = extractChallenges({
      dv: [
        {
          domain: "WWW.example.com",
          status: "Awaiting user",
          validationStatus: "RESPONSE_ERROR",
          error: "The domain is not ready for validation.",
          expires: "2026-12-01T00:00:00Z",
          challenges: [
            { type: "dns-01", token: "t", responseBody: "txt-value", fullPath: "_acme-challenge.www.example.com." },
            { type: "http-01", token: "tok", responseBody: "tok.thumb", fullPath: "http://www.example.com/.well-known/acme-challenge/tok", redirectFullPath: "http://dcv.akamai.com/.well-known/acme-challenge/tok" },
          ],
        },
      ],
    });
    expect(out.dnsChallenges["www.example.com"]).toEqual({ recordName: "_acme-challenge.www.example.com", recordType: "TXT", value: "txt-value", ttl: 60, expires: "2026-12-01T00:00:00Z" });
    expect(out.httpChallenges["www.example.com"]!.redirectUrl).toContain("dcv.akamai.com");
    expect(out.domainStatus["www.example.com"]!.error).toContain("not ready");
  });

  it("marks a name validated with no challenge of the user's as validated by Akamai, and only that one", () => {
    const dns = (status: string) => ({ type: "dns-01", status, token: "t", responseBody: "v", fullPath: "_acme-challenge.x." });
    const out = extractChallenges({
      dv: [
        { domain: "cnamed.example.com", status: "Valid", validationStatus: "VALIDATED", challenges: [dns("pending")] },
        { domain: "token.example.com", status: "Valid", validationStatus: "VALIDATED", challenges: [dns("valid")] },
        { domain: "waiting.example.com", status: "Awaiting user", validationStatus: "DATA_NOT_READY", challenges: [dns("pending")] },
      ],
    });
    expect(out.domainStatus["cnamed.example.com"]).toEqual({ status: "Valid", validationStatus: "VALIDATED", validatedByAkamai: true });
    expect(out.domainStatus["token.example.com"]).toEqual({ status: "Valid", validationStatus: "VALIDATED" });
    expect(out.domainStatus["waiting.example.com"]!.validatedByAkamai).toBeUndefined();
  });
});

describe("waitUntil", () => {
  it("backs off while nothing changes and resets on a change, printing each new state", async () => {
    const sleeps: number[] = [];
    const lines: string[] = [];
    const states = ["a", "a", "a", "b", "b", "done"];
    let i = 0;
    let t = 0;
    const result = await waitUntil(
      async () => {
        const s = states[i++]!;
        return s === "done" ? { done: 42, state: s } : { state: s };
      },
      {
        what: "test",
        timeoutMs: 1e9,
        minIntervalMs: 100,
        factor: 2,
        progress: ((l: string) => void lines.push(l)) as never,
        sleep: async (ms) => {
          sleeps.push(ms);
          t += ms;
        },
        now: () => t,
      },
    );
    expect(result).toBe(42);
    expect(sleeps).toEqual([100, 200, 400, 100, 200]);
    expect(lines.filter((l) => l.startsWith("test: a"))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("test: b"))).toBe(true);
  });

  it("fails with the last state once the timeout passes", async () => {
    let t = 0;
    await expect(
      waitUntil(async () => ({ state: "stuck", detail: "www.example.com: no TXT record" }), {
        what: "validation",
        timeoutMs: 1000,
        sleep: async (ms) => {
          t += ms;
        },
        now: () => t,
      }),
    ).rejects.toThrow(WaitTimeoutError);
  });
});

describe("mergeChallenges", () => {
  it("keeps the last challenge of a domain CPS no longer lists, and drops names that left the certificate", () => {
    const { mergeChallenges } = jest.requireActual("../../provider/lifecycle/challenges") as typeof import("../../provider/lifecycle/challenges");
    const old = { recordName: "_acme-challenge.a.example.com", recordType: "TXT" as const, value: "old-a", ttl: 60 };
    const gone = { recordName: "_acme-challenge.gone.example.com", recordType: "TXT" as const, value: "old-gone", ttl: 60 };
    const fresh = { recordName: "_acme-challenge.b.example.com", recordType: "TXT" as const, value: "new-b", ttl: 60 };
    const merged = mergeChallenges(
      ["a.example.com", "b.example.com"],
      { dnsChallenges: { "b.example.com": fresh }, httpChallenges: {}, domainStatus: {} },
      { dnsChallenges: { "a.example.com": old, "gone.example.com": gone } },
    );
    expect(merged.dnsChallenges).toEqual({ "a.example.com": old, "b.example.com": fresh });
  });
});

describe("waitUntil and transient CPS errors", () => {
  const fast = { what: "test", timeoutMs: 60_000, sleep: async () => {} };
  it("polls again after a 5xx from a step (e.g. an acknowledgement POST the client does not retry)", async () => {
    const { CpsApiError } = jest.requireActual("../../provider/cps") as typeof import("../../provider/cps");
    let calls = 0;
    const result = await waitUntil(async () => {
      calls++;
      if (calls === 1) throw new CpsApiError({ status: 503, method: "POST", path: "/cps/v2/x" });
      return { done: "ok", state: "done" };
    }, fast);
    expect(result).toBe("ok");
    expect(calls).toBe(2);
  });
  it("fails at once on an error that is not transient", async () => {
    const { CpsApiError } = jest.requireActual("../../provider/cps") as typeof import("../../provider/cps");
    await expect(waitUntil(async () => Promise.reject(new CpsApiError({ status: 400, method: "POST", path: "/cps/v2/x" })), fast)).rejects.toMatchObject({ code: "RequestRefused", status: 400 });
  });
});
