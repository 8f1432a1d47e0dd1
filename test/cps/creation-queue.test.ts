/**
 * CPS's creation throttle (one new certificate per account every five minutes; a creation inside
 * the window answers 409 — akamai-apis apis/cps/v2/newer/paths/enrollments.yaml) shared by two
 * processes of one account, on a virtual clock: both get their certificates, they take turns, and a
 * throttle 409 only surfaces when the resource's timeout would pass before a slot opens.
 */
import { CodedError, CpsApiError, deadlineIn, withRequestContext } from "../../provider/cps";
import { queuedCreation } from "../../provider/cps/creation-queue";
import { virtualTime, type VirtualTime } from "../support/virtual-time";

const WINDOW = 5 * 60_000;

/** One account's throttle as CPS applies it, counting what each process sent. */
function throttledCps(clock: { now: () => number }) {
  let lastCreated = Number.NEGATIVE_INFINITY;
  const created: Array<{ by: string; at: number }> = [];
  const attempts: Record<string, number> = {};
  return {
    created,
    attempts,
    create(by: string): () => Promise<number> {
      return async () => {
        attempts[by] = (attempts[by] ?? 0) + 1;
        if (clock.now() - lastCreated < WINDOW) {
          throw new CpsApiError({
            status: 409,
            method: "POST",
            path: "/cps/v2/enrollments",
            title: "Conflict",
            detail: "You can create one certificate every five minutes, per account.",
          });
        }
        lastCreated = clock.now();
        created.push({ by, at: clock.now() });
        return created.length;
      };
    },
  };
}

function processOf(name: string, clock: VirtualTime, log: string[] = []) {
  return { account: `https://akab-test.luna.akamaiapis.net/ as ${name} ${Math.random()}`, windowMs: WINDOW, log: (_: string, line: string) => void log.push(line), now: clock.now, sleep: clock.sleep };
}

it("two processes of one account creating at once take turns, and every creation succeeds", async () => {
  const clock = virtualTime();
  const cps = throttledCps(clock);
  const a = processOf("a", clock);
  const b = processOf("b", clock);
  const all = Promise.all([
    ...Array.from({ length: 5 }, () => withRequestContext({ deadline: deadlineIn(120 * 60_000, clock.now) }, () => queuedCreation(a, cps.create("a")))),
    ...Array.from({ length: 5 }, () => withRequestContext({ deadline: deadlineIn(120 * 60_000, clock.now) }, () => queuedCreation(b, cps.create("b")))),
  ]);
  await clock.run(200 * 60_000);
  await expect(all).resolves.toHaveLength(10);
  const order = cps.created.map((c) => c.by).join("");
  // Neither process takes every slot: after the first creation the two alternate.
  expect(order.slice(1)).not.toMatch(/aaa|bbb/);
  // Creations are at least a window apart, and never much more than one (20 s of give-way per slot).
  const gaps = cps.created.slice(1).map((c, i) => c.at - cps.created[i]!.at);
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(WINDOW);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(WINDOW + 30_000);
  // A waiting process asks about four times a minute, not on every scheduler tick.
  expect(cps.attempts.a! + cps.attempts.b!).toBeLessThan(10 * 25);
});

it("a creation throttled past the resource's timeout fails with CreationThrottled, naming the slot, instead of failing after a fixed number of tries", async () => {
  const clock = virtualTime();
  const cps = throttledCps(clock);
  const first = processOf("first", clock);
  const log: string[] = [];
  const other = processOf("other", clock, log);
  const created = queuedCreation(first, cps.create("first"));
  await clock.run(1);
  await created;
  // The other process has two minutes: the slot held by the first opens in five.
  const late = withRequestContext({ deadline: deadlineIn(2 * 60_000, clock.now) }, () => queuedCreation(other, cps.create("other"))).catch((e: unknown) => e);
  await clock.run(60 * 60_000);
  const error = await late;
  expect(error).toBeInstanceOf(CodedError);
  expect((error as CodedError).code).toBe("CreationThrottled");
  expect((error as Error).message).toMatch(/another process of this account created a certificate/);
  expect(cps.created.map((c) => c.by)).toEqual(["first"]);
  // It said why it waited while it did.
  expect(log[0]).toMatch(/answered 409 \(creation throttle\); another process of this account created a certificate; asking again every 15 s/);
});

it("with a timeout long enough, a creation waits through as many throttled windows as another process holds", async () => {
  const clock = virtualTime();
  const cps = throttledCps(clock);
  // Another tool of the account creates a certificate every five minutes for the first 25 minutes.
  const tool = (async () => {
    for (let i = 0; i < 5; i++) {
      await cps.create("tool")();
      await clock.sleep(WINDOW);
    }
  })();
  const ours = withRequestContext({ deadline: deadlineIn(60 * 60_000, clock.now) }, () => queuedCreation(processOf("stack", clock), cps.create("stack")));
  await clock.run(120 * 60_000);
  await tool;
  // Five windows turned away (a fixed limit of four tries gave up at the fourth), then the slot.
  await expect(ours).resolves.toBe(6);
  expect(cps.created.map((c) => c.by)).toEqual(["tool", "tool", "tool", "tool", "tool", "stack"]);
});
