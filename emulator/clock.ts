import type { EmulatorClock } from "./seams";

/**
 * Emulator time = a real-time base, scaled, plus whatever the admin API advanced it by.
 * Changing the scale re-anchors the base so time never jumps backwards.
 * Timers scheduled on emulator time (`schedule`, `sleepUntil`) fire when real time catches up or
 * when `advance()` jumps past them, so a 7-day token expiry or a renewal window is reachable in a test.
 */
export class ScaledClock implements EmulatorClock {
  private anchorReal: number;
  private anchorEmulated: number;
  private scale: number;
  private readonly listeners: Array<() => void> = [];
  private readonly timers = new Set<PendingTimer>();

  constructor(options: { timeScale?: number; start?: Date } = {}) {
    this.scale = options.timeScale ?? 1;
    if (!Number.isFinite(this.scale) || this.scale <= 0) throw new RangeError("time scale must be a positive number");
    this.anchorReal = Date.now();
    this.anchorEmulated = (options.start ?? new Date()).getTime();
  }

  get timeScale(): number {
    return this.scale;
  }

  now(): Date {
    return new Date(this.anchorEmulated + (Date.now() - this.anchorReal) * this.scale);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("advance() needs a non-negative number of milliseconds");
    this.anchorEmulated += ms;
    this.rearmAll();
    for (const listener of [...this.listeners]) listener();
  }

  setTimeScale(scale: number): void {
    if (!Number.isFinite(scale) || scale <= 0) throw new RangeError("time scale must be a positive number");
    const current = this.now().getTime();
    this.anchorReal = Date.now();
    this.anchorEmulated = current;
    this.scale = scale;
    this.rearmAll();
  }

  /** Called after every advance(): the state machine re-evaluates due steps at once. Returns an unsubscribe function. */
  onAdvance(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** Run `callback` once emulator time reaches `at` (at once if it already has). Returns a cancel function. */
  schedule(at: Date, callback: () => void): () => void {
    const timer: PendingTimer = { at: at.getTime(), callback };
    this.timers.add(timer);
    this.arm(timer);
    return () => this.cancel(timer);
  }

  /** Resolves once emulator time reaches `at`. */
  sleepUntil(at: Date): Promise<void> {
    return new Promise((resolve) => {
      this.schedule(at, resolve);
    });
  }

  /** Cancel every pending timer and listener (pending `sleepUntil` promises stay unresolved). */
  close(): void {
    for (const timer of [...this.timers]) this.cancel(timer);
    this.listeners.length = 0;
  }

  private cancel(timer: PendingTimer): void {
    this.timers.delete(timer);
    if (timer.handle) clearTimeout(timer.handle);
  }

  private rearmAll(): void {
    for (const timer of [...this.timers]) this.arm(timer);
  }

  private arm(timer: PendingTimer): void {
    if (timer.handle) clearTimeout(timer.handle);
    const remainingEmulatorMs = timer.at - this.now().getTime();
    if (remainingEmulatorMs <= 0) {
      this.cancel(timer);
      timer.callback();
      return;
    }
    const realDelay = Math.min(Math.ceil(remainingEmulatorMs / this.scale), MAX_TIMER_MS);
    // Re-check on wake-up instead of trusting the delay: rounding or a scale change may have moved things.
    timer.handle = setTimeout(() => this.arm(timer), realDelay);
    // Timers never keep the process alive on their own; the emulator's servers do.
    timer.handle.unref();
  }
}

interface PendingTimer {
  at: number;
  callback: () => void;
  handle?: NodeJS.Timeout;
}

/** setTimeout cannot wait longer than about 24.8 days; longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

export function createClock(options: { timeScale?: number; start?: Date } = {}): ScaledClock {
  return new ScaledClock(options);
}
