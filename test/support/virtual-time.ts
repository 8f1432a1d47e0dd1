/**
 * Virtual timers for tests of waits: sleeping registers a wake-up, and `run` moves time to the next
 * one (after letting every waiter reach its next sleep) until `until` or until nobody sleeps. A
 * wait of minutes takes no real time, and what it did is counted, never timed.
 */
export interface VirtualTime {
  now(): number;
  sleep(ms: number): Promise<void>;
  run(until: number): Promise<void>;
}

export function virtualTime(start = 0): VirtualTime {
  let now = start;
  const timers: Array<{ at: number; wake: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => void timers.push({ at: now + ms, wake })),
    async run(until: number): Promise<void> {
      for (;;) {
        // Let every wait reach its next sleep before time moves.
        for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > until) return;
        timers.shift();
        now = next.at;
        next.wake();
      }
    },
  };
}
