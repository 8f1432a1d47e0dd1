/**
 * Preloaded (`node --require`) into a process that should live on CPS time: the benchmark compresses
 * CPS by a time scale (the emulator's clock), and the provider must be compressed by the same scale
 * or its polling, backoff and rate limiting would look 60× slower than they are. With
 * BENCH_PROVIDER_TIME_SCALE=N, `Date.now()` runs N× faster from the moment of loading and every
 * setTimeout/setInterval delay is divided by N. Network latency and CPU time stay real: they appear
 * N× longer in CPS time, which the results say.
 */
const scale = Number(process.env.BENCH_PROVIDER_TIME_SCALE ?? "1");

if (Number.isFinite(scale) && scale > 1) {
  const realNow = Date.now.bind(Date);
  const origin = realNow();
  Date.now = () => origin + (realNow() - origin) * scale;
  const realSetTimeout = globalThis.setTimeout;
  const realSetInterval = globalThis.setInterval;
  const scaled = (ms: unknown): number => (typeof ms === "number" && ms > 0 ? ms / scale : 0);
  const warpedTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => realSetTimeout(fn, scaled(ms), ...args);
  const warpedInterval = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => realSetInterval(fn, scaled(ms), ...args);
  Object.assign(globalThis, { setTimeout: Object.assign(warpedTimeout, realSetTimeout), setInterval: Object.assign(warpedInterval, realSetInterval) });
}

export {};
