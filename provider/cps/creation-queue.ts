/**
 * CPS lets an account create one certificate every five minutes; another creation for the same
 * contract inside that window answers 409 (akamai-apis apis/cps/v2/newer/paths/enrollments.yaml,
 * POST /enrollments: "you can create one certificate every five minutes, per account").
 * Creations of one account are queued in this process (one at a time), and a throttle 409 (this
 * process's previous creation, or another process's) is "wait for the next slot and try again",
 * with a message saying when the slot opens — bounded by the resource's timeout, never a fixed
 * number of attempts.
 *
 * Several processes of one account (two stacks, a CI job) share the slots fairly: a 409 that our own
 * last creation does not explain means another process holds the window, and nobody can tell when
 * it opened. Such a process asks again every `window / PROBES_PER_WINDOW` (one cheap request, four
 * a minute from a budget of 35), and a process that just created gives way for a little more than one
 * probe interval after its window before creating again — so a waiting process's next probe finds
 * the slot free, and the two alternate instead of the last creator taking every slot (measured in
 * bench scenario 2: without it one stack took all ten slots and the other's creations failed).
 */
import { CodedError } from "./coded-error";
import { CpsApiError } from "./errors";
import { DEFAULT_BUDGET_WAIT_MS } from "./budget-wait";
import { currentRequestContext, deadlineIn } from "./request-context";
import { retrying } from "./retry";
import type { LogFn } from "./transport";

/** Akamai's documented window. */
export const CREATION_WINDOW_MS = 5 * 60_000;
/** A process that does not know when the window opened asks this many times per window (15 s for 5 minutes). */
export const PROBES_PER_WINDOW = 20;
/** How many probe intervals a process that just created leaves free after its window (latency margin included). */
const GIVE_WAY_PROBES = 4 / 3;

interface AccountQueue {
  tail: Promise<unknown>;
  lastCreatedAt?: number;
}

const queues = new Map<string, AccountQueue>();

/** A 409 that is CPS's creation throttle rather than a real conflict (duplicate CN, pending change). */
export function isCreationThrottle(error: unknown): boolean {
  if (!(error instanceof CpsApiError) || error.status !== 409) return false;
  const text = `${error.type ?? ""} ${error.title ?? ""} ${error.detail ?? ""}`;
  return /throttl|five minutes|5 minutes|too many enrollments|creation limit/i.test(text);
}

export interface CreationQueueOptions {
  account: string;
  windowMs: number;
  log: LogFn;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

function describeWindow(ms: number): string {
  return ms >= 60_000 ? `${ms / 60_000} minutes` : `${ms / 1000} s`;
}

/**
 * When this process should ask again after a throttle 409 at `t`, and how to say why. After its own
 * creation a process waits its window plus one probe interval (and a little for latency): a process
 * that was turned away meanwhile asks every probe interval, so one of its probes lands in that gap
 * and the slots alternate. Alone, the gap costs 20 s per 5-minute window.
 */
export function nextCreationAttempt(account: Pick<AccountQueue, "lastCreatedAt">, windowMs: number, t: number): { at: number; why: string } {
  const probeMs = Math.max(1, Math.round(windowMs / PROBES_PER_WINDOW));
  if (account.lastCreatedAt !== undefined && account.lastCreatedAt + windowMs > t) {
    const opens = account.lastCreatedAt + windowMs;
    return { at: opens + Math.round(probeMs * GIVE_WAY_PROBES), why: `the next creation slot opens at ${new Date(opens).toISOString()}` };
  }
  return { at: t + probeMs, why: `another process of this account created a certificate; asking again every ${describeWindow(probeMs)} until the slot opens` };
}

export async function queuedCreation<T>(options: CreationQueueOptions, create: () => Promise<T>): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let queue = queues.get(options.account);
  if (queue === undefined) {
    queue = { tail: Promise.resolve() };
    queues.set(options.account, queue);
  }
  const account = queue;
  const run = async (): Promise<T> => {
    const context = currentRequestContext();
    // The resource's timeout (the request context's deadline); without one, as long as a budget wait.
    const deadline = context.deadline ?? deadlineIn(DEFAULT_BUDGET_WAIT_MS, now);
    const throttled = `CPS allows one new certificate per account every ${describeWindow(options.windowMs)} and answered 409 (creation throttle)`;
    let delay = 0;
    let lastNotice = Number.NEGATIVE_INFINITY;
    return retrying(
      async () => {
        const result = await create();
        account.lastCreatedAt = now();
        return result;
      },
      {
        attempts: Number.POSITIVE_INFINITY,
        sleep,
        retryOn: (error) => {
          if (!isCreationThrottle(error)) return false;
          const t = now();
          const next = nextCreationAttempt(account, options.windowMs, t);
          delay = Math.max(0, next.at - t);
          if (delay > deadline.at - deadline.now()) {
            throw new CodedError(
              "CreationThrottled",
              `${throttled}; ${next.why}, which is later than this resource's timeout allows. Run \`pulumi up\` again, or raise the timeout input.`,
              { cause: error },
            );
          }
          // One line per slot wait, not one per probe.
          if (t - lastNotice >= options.windowMs) {
            lastNotice = t;
            const line = `${throttled}; ${next.why}; waiting for it`;
            options.log("info", line);
            context.notify?.(line);
          }
          return true;
        },
        delayMs: () => delay,
      },
    );
  };
  const result = account.tail.then(run, run);
  account.tail = result.catch(() => undefined);
  return result;
}
