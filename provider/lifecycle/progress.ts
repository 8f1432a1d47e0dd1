/**
 * Progress lines for long waits. Inside the dynamic-provider host there is no engine connection
 * (pulumi/pulumi#6065), and the CLI shows the provider's console output as diagnostics, so progress
 * goes to stderr, prefixed with the resource name. Tests and the local engine can swap the sink.
 */
export type ProgressSink = (line: string) => void;

let sink: ProgressSink = (line) => process.stderr.write(line + "\n");

/** Replace where progress lines go (tests, the local engine). Returns the previous sink. */
export function setProgressSink(next: ProgressSink): ProgressSink {
  const previous = sink;
  sink = next;
  return previous;
}

export interface Progress {
  (message: string): void;
  readonly name: string;
}

/** A progress reporter for one resource: `[cps] <name>: <message>`. */
export function progressFor(name: string): Progress {
  const fn = ((message: string) => sink(`[cps] ${name}: ${message}`)) as Progress;
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

/** `1m05s` style elapsed time. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return m > 0 ? `${m}m${String(rest).padStart(2, "0")}s` : `${rest}s`;
}
