import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import type { EmulatorState } from "./cps/model";

/**
 * `--state FILE`: the whole state as one JSON document, written atomically (temp file + rename) a
 * moment after each change, and read back on start.
 */

const stateEnvelope = z.object({
  version: z.literal(1),
  nextEnrollmentId: z.number().int(),
  nextChangeId: z.number().int(),
  nextSlot: z.number().int(),
  enrollments: z.record(z.string(), z.unknown()),
  changes: z.record(z.string(), z.unknown()),
  lastCreateByContract: z.record(z.string(), z.string()),
});

export function loadState(file: string): EmulatorState | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = stateEnvelope.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  // Records are the emulator's own output; the envelope check above guards against foreign files.
  return parsed as unknown as EmulatorState;
}

export function saveState(file: string, state: EmulatorState): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

/** Coalesces bursts of changes into one write. */
export class StateWriter {
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly file: string,
    private readonly snapshot: () => EmulatorState,
    private readonly delayMs = 50,
  ) {}
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      saveState(this.file, this.snapshot());
    }, this.delayMs);
  }
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    saveState(this.file, this.snapshot());
  }
}
