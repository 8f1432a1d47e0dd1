/**
 * Waits pace their status reads by their share of the account budget: however many resources of a
 * stack wait at once, their polls together stay within the budget's poll share instead of queueing
 * behind each other. Counted in step calls (one read each) on a virtual clock.
 */
import { withRequestContext } from "../../provider/cps";
import { activeWaitCount, budgetPacedIntervalMs, POLL_BUDGET_SHARE, waitUntil } from "../../provider/lifecycle/poll";
import { virtualTime } from "../support/virtual-time";


async function readsIn10Minutes(perMinute: number | undefined): Promise<number> {
  const time = virtualTime();
  let reads = 0;
  const waits = () => Array.from({ length: 6 }, (_, i) =>
    waitUntil(
      async () => {
        reads++;
        return time.now() >= 10 * 60_000 ? { done: true, state: "done" } : { state: `deploying ${i}` };
      },
      { what: `wait ${i}`, timeoutMs: 60 * 60_000, sleep: time.sleep, now: time.now },
    ),
  );
  const all = perMinute === undefined ? Promise.all(waits()) : withRequestContext({ requestsPerMinute: () => perMinute }, () => Promise.all(waits()));
  await time.run(11 * 60_000);
  await all;
  return reads;
}

describe("poll pacing by the account budget", () => {
  it("six waits on the default 17-a-minute budget read at most their share of it together", async () => {
    const paced = await readsIn10Minutes(17);
    // 10 minutes × 17 × 0.75 ≈ 128 reads, plus the first read of each wait and the final one.
    expect(paced).toBeLessThanOrEqual(Math.ceil(10 * 17 * POLL_BUDGET_SHARE) + 12);
    expect(paced).toBeGreaterThan(6 * 10); // still at least one read a minute each
    expect(activeWaitCount()).toBe(0);
  });

  it("without a budget to share (a raised limit), waits keep their own backoff and read more often", async () => {
    const unpaced = await readsIn10Minutes(undefined);
    expect(unpaced).toBeGreaterThan(Math.ceil(10 * 17 * POLL_BUDGET_SHARE) + 12);
  });

  it("the interval grows with the number of waits and shrinks with the budget", () => {
    expect(budgetPacedIntervalMs(17, 1)).toBe(Math.ceil(60_000 / (17 * POLL_BUDGET_SHARE)));
    expect(budgetPacedIntervalMs(17, 6)).toBe(Math.ceil((6 * 60_000) / (17 * POLL_BUDGET_SHARE)));
    expect(budgetPacedIntervalMs(Number.POSITIVE_INFINITY, 6)).toBe(0);
  });
});
