/**
 * CPS lets an account create one certificate every five minutes; another creation for the same
 * contract inside that window answers 409 (akamai-apis apis/cps/v2/newer/paths/enrollments.yaml,
 * POST /enrollments: "you can create one certificate every five minutes, per account").
 * Creations of one account are queued in this process (one at a time), and a throttle 409 (this
 * process's previous creation, or another process's) is "wait for the next slot and try again",
 * with a message saying when the slot opens, never a failure.
 */
import { CpsApiError } from "./errors";
import { retrying } from "./retry";
import type { LogFn } from "./transport";

/** Akamai's documented window. */
export const CREATION_WINDOW_MS = 5 * 60_000;
/** A throttle 409 is waited out this many times before it surfaces. */
const MAX_THROTTLED_ATTEMPTS = 4;

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

export async function queuedCreation<T>(options: CreationQueueOptions, create: () => Promise<T>): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let queue = queues.get(options.account);
  if (queue === undefined) {
    queue = { tail: Promise.resolve() };
    queues.set(options.account, queue);
  }
  const account = queue;
  let opensAt = 0;
  const run = (): Promise<T> =>
    retrying(
      async () => {
        const result = await create();
        account.lastCreatedAt = now();
        return result;
      },
      {
        attempts: MAX_THROTTLED_ATTEMPTS,
        sleep,
        retryOn: (error, attempt) => {
          if (!isCreationThrottle(error) || attempt >= MAX_THROTTLED_ATTEMPTS) return false;
          const from = account.lastCreatedAt !== undefined && account.lastCreatedAt + options.windowMs > now() ? account.lastCreatedAt : now();
          opensAt = from + options.windowMs;
          const window = options.windowMs >= 60_000 ? `${options.windowMs / 60_000} minutes` : `${options.windowMs / 1000} s`;
          options.log(
            "info",
            `CPS allows one new certificate per account every ${window} and answered 409 (creation throttle); ` +
              `the next creation slot opens at ${new Date(opensAt).toISOString()}; waiting for it`,
          );
          return true;
        },
        delayMs: () => Math.max(0, opensAt - now()),
      },
    );
  const result = account.tail.then(run, run);
  account.tail = result.catch(() => undefined);
  return result;
}
