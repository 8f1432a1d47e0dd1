/**
 * Following a CPS change: one loop (`followChange`, over `waitUntil`'s backoff and budget pacing)
 * and named handlers, each one decision of the CPS workflow ("a failed change is an error",
 * "acknowledge post-verification warnings per policy", "done once on staging"). A resource lists the
 * handlers of its part of the workflow; on every poll they are asked in order and the first that
 * answers decides the step (cert-manager's certificate controllers chain their policy checks the
 * same way: https://github.com/cert-manager/cert-manager/blob/master/pkg/controller/certificates/trigger/policies/policies.go).
 * A handler that does not apply answers `undefined`; when none answers, the change is still being
 * worked on and the step reports its status.
 */
import { CodedError, CpsApiError, type AllowedInput, type ChangeStatus, type CpsApi } from "../cps";
import { acknowledgeChangeManagement, handleWarnings } from "./acknowledgements";
import { extractChallenges, type ExtractedChallenges } from "./challenges";
import type { ExpectedWarnings } from "./expected-warnings";
import { failedChange } from "./failed-change";
import { readChange as watchedRead, type WatchedChange } from "./contract-watch";
import { waitUntil, WaitTimeoutError, type PollStep, type PollTiming } from "./poll";
import type { Progress } from "./progress";
import { describeChange, findInput, INPUT, isCancelled, isDvCoordination } from "./statuses";
import type { ClassifiedWarning, WarningPolicy } from "./warnings";

/** What a follower needs: the CPS operations, where progress goes, and (for tests) the clock. */
export interface FollowContext {
  cps: CpsApi;
  progress?: Progress;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The change to follow; `contractId`, where known, lets its contract's list serve the polls (contract-watch.ts). */
export type ChangeIds = WatchedChange;

/**
 * The one read of the followed change per poll: through the contract watch, which answers from the
 * contract's shared list when no action may be due and reads the change itself otherwise.
 */
export function readChange(ctx: FollowContext, ids: ChangeIds): Promise<ChangeStatus> {
  return watchedRead(ctx.cps, ids);
}

/** What every handler sees on one poll. */
export interface ChangeStep {
  ctx: FollowContext;
  ids: ChangeIds;
  change: ChangeStatus;
  /** "status (state)", for progress lines. */
  state: string;
  /** When this follow times out (ms since the epoch, on `ctx.now`'s clock). */
  deadline: number;
}

/** A step's outcome (`done`, or a state to report), or undefined when the handler does not apply. */
export type ChangeHandler<T> = (step: ChangeStep) => PollStep<T> | undefined | Promise<PollStep<T> | undefined>;

export interface FollowOptions<T> extends PollTiming {
  /** What is being waited for, for progress lines and the timeout error. */
  what: string;
  timeoutMs: number;
  /**
   * CPS answering 404 for the change ends the follow with this value: a finished change leaves the
   * enrollment's pending changes, so the caller checks the network itself.
   */
  goneMeansDone?: T;
  /** Otherwise a 404 for the change is this step (e.g. "deleting"), or the error it throws; default: the 404 itself. */
  onGone?: (error: CpsApiError) => PollStep<T> | Promise<PollStep<T>>;
  /** Checked before the change is read on every poll; a step it answers ends that poll (the enrollment is gone, say). */
  before?: () => Promise<PollStep<T> | undefined>;
}

/**
 * A wait's deadline, shared by the steps of a longer piece of work (the ACME issuance): once it
 * passes, the work stops at its next step with `expired()`, instead of running on unobserved after
 * its caller gave up.
 */
export class Deadline {
  readonly at: number;
  constructor(
    timeoutMs: number,
    private readonly expired: () => Error,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + timeoutMs;
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.now());
  }

  /** Run one step: refused once the deadline passed; a step still running when it passes fails with `expired()` and nothing after it starts. */
  async step<T>(work: () => Promise<T>): Promise<T> {
    if (this.remainingMs() === 0) throw this.expired();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(this.expired()), this.remainingMs());
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A wait of its own (`timeoutMs`) inside this deadline: it gets at most the time left, and running out of that is this deadline's error. */
  async wait<T>(timeoutMs: number, wait: (timeoutMs: number) => Promise<T>): Promise<T> {
    const bounded = Math.min(timeoutMs, this.remainingMs());
    try {
      return await wait(bounded);
    } catch (e) {
      if (e instanceof WaitTimeoutError && bounded < timeoutMs) throw this.expired();
      throw e;
    }
  }
}

const isNotFound = (e: unknown): e is CpsApiError => e instanceof CpsApiError && e.status === 404;

/** Poll the change until a handler answers `done`, or the timeout passes (WaitTimeoutError). */
export async function followChange<T>(ctx: FollowContext, ids: ChangeIds, handlers: ReadonlyArray<ChangeHandler<T>>, options: FollowOptions<T>): Promise<T> {
  const now = ctx.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const { what: _what, timeoutMs: _timeoutMs, goneMeansDone: _gone, onGone: _onGone, before: _before, ...timing } = options;
  const { cps: _cps, ...clock } = ctx;
  return waitUntil<T>(
    async () => {
      const early = await options.before?.();
      if (early !== undefined) return early;
      let change: ChangeStatus;
      try {
        change = await readChange(ctx, ids);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        if (options.goneMeansDone !== undefined) return { done: options.goneMeansDone, state: "change finished" };
        if (options.onGone !== undefined) return options.onGone(e);
        throw e;
      }
      const step: ChangeStep = { ctx, ids, change, state: describeChange(change), deadline };
      for (const handler of handlers) {
        const outcome = await handler(step);
        if (outcome !== undefined) return outcome;
      }
      return { state: step.state };
    },
    { ...timing, what: options.what, timeoutMs: options.timeoutMs, ...clock },
  );
}

/** Throws when the change failed (a CpsChangeError with the way forward, failed-change.ts) or was cancelled (start a new change). */
export function throwIfFailed(enrollmentId: number, changeId: number, change: ChangeStatus): void {
  const failed = failedChange(enrollmentId, changeId, change);
  if (failed) throw failed;
  if (isCancelled(change)) {
    throw new CodedError("ChangeCancelled", `Change ${changeId} of enrollment ${enrollmentId} was cancelled (status ${describeChange(change)}). Run \`pulumi up\` again to start a new change.`);
  }
}

/** A failed change never continues: the first handler of every follow that must not wait on one. */
export const failOnError: ChangeHandler<never> = ({ ids, change }) => {
  throwIfFailed(ids.enrollmentId, ids.changeId, change);
  return undefined;
};

/** Done, with `value(change)`, once `predicate` holds. */
export function doneWhen<T>(predicate: (change: ChangeStatus) => boolean, value: (change: ChangeStatus) => T): ChangeHandler<T> {
  return ({ change, state }) => (predicate(change) ? { done: value(change), state } : undefined);
}

/** Report the change's status with this detail (the last handler of a list: what the wait is for). */
export function waitingFor(detail: string | ((step: ChangeStep) => string | undefined)): ChangeHandler<never> {
  return (step) => {
    const text = typeof detail === "string" ? detail : detail(step);
    return { state: step.state, ...(text ? { detail: text } : {}) };
  };
}

/** Run `see` on every status read (a caller recording the last status), then let the next handler decide. */
export function observe(see: (change: ChangeStatus) => void): ChangeHandler<never> {
  return ({ change }) => {
    see(change);
    return undefined;
  };
}

/** Throw `error()` when the predicate holds: a state this resource must not act on. */
export function refuseWhen(predicate: (change: ChangeStatus) => boolean, error: (ids: ChangeIds) => Error): ChangeHandler<never> {
  return ({ ids, change }) => {
    if (predicate(change)) throw error(ids);
    return undefined;
  };
}

export interface WarningHandling {
  policy: WarningPolicy;
  /** The input that holds the policy, as errors name it ("postVerificationWarnings"). */
  policyInput: string;
  /** Warnings that are the consequence of the user's own change (a name removed): acknowledged whatever the policy. */
  expected?: (step: ChangeStep) => Promise<ExpectedWarnings | undefined>;
  /** Told the warnings acknowledged (CertificateUpload reports their IDs). */
  onAcknowledged?: (warnings: ClassifiedWarning[]) => void;
}

function acknowledgeWarnings(kind: "pre-verification" | "post-verification", type: string, handling: WarningHandling): ChangeHandler<never> {
  return async (step) => {
    const input = findInput(step.change, type);
    if (!input) return undefined;
    const expected = handling.expected ? await handling.expected(step) : undefined;
    const acknowledged = await handleWarnings(kind, {
      client: step.ctx.cps,
      enrollmentId: step.ids.enrollmentId,
      changeId: step.ids.changeId,
      input,
      policy: handling.policy,
      policyInput: handling.policyInput,
      ...(expected ? { expected } : {}),
      ...(step.ctx.progress ? { progress: step.ctx.progress } : {}),
    });
    handling.onAcknowledged?.(acknowledged);
    return { state: `${step.state}, warnings acknowledged` };
  };
}

/** Post-verification warnings (after issuance, before staging): acknowledged per policy, or WarningsRefusedError with every warning. */
export function acknowledgePostVerification(handling: WarningHandling): ChangeHandler<never> {
  return acknowledgeWarnings("post-verification", INPUT.postVerificationWarnings, handling);
}

/** Pre-verification warnings (before the CA is asked): acknowledged per policy, or WarningsRefusedError. */
export function acknowledgePreVerification(handling: WarningHandling): ChangeHandler<never> {
  return acknowledgeWarnings("pre-verification", INPUT.preVerificationWarnings, handling);
}

/**
 * Change management ("test on staging first"): with `acknowledge`, acknowledged with the validation
 * result hash and a progress line; without, `refuse` (the error that tells the user how to go on),
 * or the next handler decides when there is none.
 */
export function changeManagement(options: { acknowledge: boolean; refuse?: (ids: ChangeIds) => Error }): ChangeHandler<never> {
  return async ({ ctx, ids, change, state }) => {
    const input = findInput(change, INPUT.changeManagement);
    if (!input) return undefined;
    if (!options.acknowledge) {
      if (options.refuse) throw options.refuse(ids);
      return undefined;
    }
    await acknowledgeChangeManagement(ctx.cps, input, ctx.progress);
    return { state: `${state}, acknowledged` };
  };
}

export interface DeploymentWindow {
  notBefore?: string | undefined;
  notAfter?: string | undefined;
}

/** Set the change's deployment window once (on the first poll), with a progress line. */
export function applySchedule(schedule: DeploymentWindow | undefined): ChangeHandler<never> {
  let applied = !schedule;
  return async ({ ctx, ids }) => {
    if (applied || !schedule) return undefined;
    await ctx.cps.updateDeploymentSchedule(ids.enrollmentId, ids.changeId, { notBefore: schedule.notBefore ?? null, notAfter: schedule.notAfter ?? null });
    applied = true;
    ctx.progress?.(`deployment window set: not before ${schedule.notBefore ?? "-"}, not after ${schedule.notAfter ?? "-"}`);
    return undefined;
  };
}

/** DV: done with the challenges once CPS coordinates domain validation and has issued them. */
export function dvChallengesIssued<T>(value: (change: ChangeStatus, challenges: ExtractedChallenges) => T): ChangeHandler<T> {
  return async ({ ctx, change, state }) => {
    const dv = findInput(change, INPUT.letsEncryptChallenges);
    if (!dv || !isDvCoordination(change.statusInfo.status)) return undefined;
    const challenges = extractChallenges(await ctx.cps.getDvChallenges(dv));
    if (Object.keys(challenges.domainStatus).length === 0) return { state, detail: "waiting for CPS to issue the challenges" };
    return { done: value(change, challenges), state };
  };
}

/** Third-party: done with the CSRs once the change asks for the certificate and CPS has generated them. */
export function thirdPartyCsrsReady<T>(value: (change: ChangeStatus, csrs: Array<{ keyAlgorithm: string; csr: string }>) => T): ChangeHandler<T> {
  return async ({ ctx, change, state }) => {
    const tp = findInput(change, INPUT.thirdPartyCertificate);
    if (!tp) return undefined;
    const csrs = await ctx.cps.getThirdPartyCsrs(tp);
    if (csrs.length === 0) return { state, detail: "waiting for CPS to generate the CSR" };
    return { done: value(change, csrs), state };
  };
}

/** Third-party: done with the input to upload into once the change asks for the certificate. */
export function thirdPartyUploadOffered<T>(value: (input: AllowedInput) => T): ChangeHandler<T> {
  return ({ change, state }) => {
    const input = findInput(change, INPUT.thirdPartyCertificate);
    return input ? { done: value(input), state } : undefined;
  };
}
