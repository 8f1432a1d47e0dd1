/** Pulumi-like progress and summary lines, and the step records `runEngine` returns. */
import { isSecret, UNKNOWN, type PropertyMap, type PropertyValue } from "./propertyValues";

/** How the Pulumi CLI shows a value that is only known after apply. */
const UNKNOWN_DISPLAY = "output<string>";

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "failed";

export interface StepRecord {
  op: StepOp;
  urn: string;
  name: string;
  type: string;
  /** Changed input names (update/replace), or the error message (failed). */
  detail?: string;
}

export interface Summary {
  steps: StepRecord[];
  counts: Record<StepOp, number>;
}

const SYMBOLS: Record<StepOp, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " ", refresh: "~", failed: "!" };

export class Reporter {
  readonly steps: StepRecord[] = [];

  constructor(
    private readonly write: (line: string) => void,
    private readonly dryRun: boolean,
  ) {}

  line(text: string): void {
    this.write(text);
  }

  step(record: StepRecord): void {
    this.steps.push(record);
    if (record.op === "same") return;
    const verb = this.dryRun && record.op !== "failed" ? `${record.op} (planned)` : record.op;
    const detail = record.detail ? ` ${record.op === "failed" ? record.detail : `[diff: ${record.detail}]`}` : "";
    this.write(`  ${SYMBOLS[record.op].padEnd(2)} ${record.name} (${record.type}) ${verb}${detail}`);
  }

  summary(): Summary {
    const counts: Record<StepOp, number> = { create: 0, update: 0, replace: 0, delete: 0, same: 0, refresh: 0, failed: 0 };
    for (const step of this.steps) counts[step.op] += 1;
    return { steps: [...this.steps], counts };
  }

  printOutputs(outputs: PropertyMap): void {
    const keys = Object.keys(outputs);
    if (keys.length === 0) return;
    this.write("Outputs:");
    const width = Math.max(...keys.map((k) => k.length));
    for (const key of keys) this.write(`    ${key.padEnd(width)}: ${display(outputs[key] ?? null)}`);
  }

  printCounts(): void {
    const { counts } = this.summary();
    const parts = (["create", "update", "replace", "delete", "refresh", "same", "failed"] as const)
      .filter((op) => counts[op] > 0)
      .map((op) => `${counts[op]} ${this.dryRun && op !== "failed" && op !== "same" ? `to ${op}` : pastTense(op)}`);
    this.write(`Resources: ${parts.length ? parts.join(", ") : "no changes"}`);
  }
}

function pastTense(op: StepOp): string {
  return { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged", refresh: "refreshed", failed: "failed" }[op];
}

function display(value: PropertyValue): string {
  // The SDK's unknown sentinel is a UUID string: show it as Pulumi does, not as a value.
  return JSON.stringify(maskSecrets(value)).replaceAll(JSON.stringify(UNKNOWN_DISPLAY), UNKNOWN_DISPLAY);
}

/** Never prints a secret, however deep it sits. */
function maskSecrets(value: PropertyValue): PropertyValue {
  if (isSecret(value)) return "[secret]";
  if (value === UNKNOWN) return UNKNOWN_DISPLAY;
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v)]));
  }
  return value;
}
