/**
 * The bench's arithmetic and table: the floor a stack is judged against, and the rows `npm run
 * bench` prints (what the README quotes). Pure functions, no emulator.
 */
import { CREATION_WINDOW_CPS_MS, MIN_CPS_REQUESTS_PER_CERTIFICATE, median, ratio, spread, stackFloor, worst } from "../../bench/floor";
import { previewRows, stackRows, twoStackRows, type StackScenario } from "../../bench/rows";
import type { StackRun } from "../../bench/stack";
import { formatTable, type Row } from "../../bench/table";

const MIN = 60_000;
const PATH = 18 * MIN;

describe("stackFloor", () => {
  it("is the critical path for one certificate", () => {
    const f = stackFloor({ certificates: 1, criticalPathCpsMs: PATH, requestsPerMinute: 17 });
    expect(f).toMatchObject({ floorCpsMs: PATH, binding: "CPS critical path", throttleCpsMs: PATH });
  });

  it("adds five minutes a certificate after the first when the creation throttle binds", () => {
    const f = stackFloor({ certificates: 20, criticalPathCpsMs: PATH, requestsPerMinute: 17 });
    expect(f.binding).toBe("creation throttle");
    expect(f.floorCpsMs).toBe(19 * CREATION_WINDOW_CPS_MS + PATH);
    expect(f.budgetCpsMs).toBeCloseTo(((20 * MIN_CPS_REQUESTS_PER_CERTIFICATE) / 17) * MIN);
  });

  it("counts the last certificate's own path as the shortest one measured", () => {
    const f = stackFloor({ certificates: 5, criticalPathCpsMs: 21 * MIN, shortestPathCpsMs: 18 * MIN, requestsPerMinute: 17 });
    expect(f).toMatchObject({ binding: "creation throttle", floorCpsMs: 38 * MIN, criticalPathCpsMs: 21 * MIN });
  });

  it("is the minimal requests over the budget when that is longer", () => {
    const f = stackFloor({ certificates: 50, criticalPathCpsMs: PATH, requestsPerMinute: 1, minRequestsPerCertificate: 9 });
    expect(f.binding).toBe("request budget");
    expect(f.floorCpsMs).toBe(450 * MIN);
  });

  it("rejects a stack of no certificates and a budget of nothing", () => {
    expect(() => stackFloor({ certificates: 0, criticalPathCpsMs: PATH, requestsPerMinute: 17 })).toThrow(RangeError);
    expect(() => stackFloor({ certificates: 1, criticalPathCpsMs: PATH, requestsPerMinute: 0 })).toThrow(RangeError);
  });
});

describe("ratios", () => {
  it("judge a run that did not finish as n/a, never as a small ratio", () => {
    expect(ratio(120, 100)).toBeCloseTo(1.2);
    expect(ratio(Number.NaN, 100)).toBeNaN();
    expect(ratio(100, 0)).toBeNaN();
    expect(spread(130, 100)).toBeCloseTo(1.3);
    expect(spread(100, 130)).toBeCloseTo(1.3);
    expect(spread(100, Number.NaN)).toBeNaN();
  });

  it("median and worst of notice delays", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(worst([3, 9, 1])).toBe(9);
  });
});

function stack(n: number, wallMin: number, over: Partial<StackRun> = {}): StackScenario {
  const run: StackRun = { label: "s", certificates: n, completed: n, failures: [], surfaced429: 0, wallCpsMs: wallMin * MIN, runs: [], ...over };
  return {
    run,
    account: { requests: 100 * n, rateLimited: 0, otherTenantRequests: 0 },
    changes: { criticalPathCpsMs: PATH, shortestPathCpsMs: PATH, noticeDelaysCpsMs: [1000, 3000, 20_000], unobserved: 0 },
    floor: stackFloor({ certificates: n, criticalPathCpsMs: PATH, requestsPerMinute: 17 }),
  };
}

describe("rows", () => {
  const find = (rows: Row[], figure: string) => rows.find((r) => r.figure.startsWith(figure))!;

  it("meets the N=20 target at 1.2× the floor and misses it just above", () => {
    const floorMin = 19 * 5 + 18;
    expect(find(stackRows(20, stack(20, floorMin * 1.2), stack(20, floorMin), true), "wall / floor")).toMatchObject({ ours: "1.20", baseline: "1.00", target: "≤ 1.20", met: true });
    expect(find(stackRows(20, stack(20, floorMin * 1.21), stack(20, floorMin), true), "wall / floor").met).toBe(false);
    // Other sizes are reported, not judged.
    expect(find(stackRows(5, stack(5, 100), stack(5, 100), false), "wall / floor")).toMatchObject({ target: "report", met: null });
  });

  it("a stack that did not finish misses its targets and prints n/a, the baseline's failure shown", () => {
    const failed = stack(20, Number.NaN, { completed: 19, failures: ["s-c3: 429 Too Many Requests"], surfaced429: 1 });
    const rows = stackRows(20, failed, stack(20, 120, { completed: 0, failures: ["tf-c0: POST failed: 429"] }), true);
    expect(find(rows, "wall / floor")).toMatchObject({ ours: "n/a", met: false });
    expect(find(rows, "certificates on production")).toMatchObject({ ours: "19/20", baseline: "0/20", met: false });
    expect(find(rows, "429s surfaced")).toMatchObject({ ours: "1", met: false });
    expect(find(rows, "first failure")).toMatchObject({ ours: "s-c3: 429 Too Many Requests", baseline: "tf-c0: POST failed: 429", met: false });
  });

  it("counts 429s received against 1 % of the requests", () => {
    const s = stack(10, 70);
    expect(find(stackRows(10, { ...s, account: { requests: 1000, rateLimited: 10, otherTenantRequests: 0 } }, s, false), "429s received")).toMatchObject({ ours: "10 (1.0 %)", met: true });
    expect(find(stackRows(10, { ...s, account: { requests: 1000, rateLimited: 11, otherTenantRequests: 0 } }, s, false), "429s received").met).toBe(false);
  });

  it("two stacks are fair within 1.3× of each other", () => {
    const two = (a: number, b: number) => ({ a: stack(10, a).run, b: stack(10, b).run, account: stack(20, 1).account, changes: stack(20, 1).changes, floor: stack(20, 1).floor });
    expect(find(twoStackRows(two(100, 130), 10), "slower / faster")).toMatchObject({ ours: "1.30", met: true });
    expect(find(twoStackRows(two(100, 131), 10), "slower / faster").met).toBe(false);
  });

  it("a preview fits the 2 s window with at most 20 requests and no 429", () => {
    const rows = previewRows({ n: 500, contracts: 2, ms: 1234, requests: 2, rateLimited: 0, noChange: 500 });
    expect(rows.map((r) => [r.ours, r.baseline, r.met])).toEqual([
      ["1.2 s", "-", null],
      ["2", "500 (14.3 min)", true],
      ["0", "-", true],
      ["500/500", "-", true],
    ]);
  });
});

describe("formatTable", () => {
  it("prints a markdown table, met/MISSED/-, with cells kept on one line", () => {
    const rows: Row[] = [
      { scenario: "1", figure: "a | b", ours: "1.00", baseline: "-", target: "≤ 1.20", met: true },
      { scenario: "1", figure: "two\nlines", ours: "2", baseline: "-", target: "0", met: false },
      { scenario: "2", figure: "c", ours: "x", baseline: "-", target: "report", met: null },
    ];
    expect(formatTable(rows).split("\n")).toEqual([
      "| scenario | figure | ours | baseline | target | met |",
      "|---|---|---|---|---|---|",
      "| 1 | a \\| b | 1.00 | - | ≤ 1.20 | met |",
      "| 1 | two lines | 2 | - | 0 | MISSED |",
      "| 2 | c | x | - | report | - |",
    ]);
  });
});
