import type { z } from "zod";
import { CpsInputError } from "./errors";

/** Client-side input checks: run before any request so bad input never reaches the network. */

export function requirePositiveId(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
    throw new CpsInputError(field, `expected a positive integer, got ${describe(value)}`);
  }
  return value;
}

export function requireContractId(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new CpsInputError("contractId", `expected a non-empty contract id such as "K-0N7RAK71", got ${describe(value)}`);
  }
  const trimmed = value.trim();
  if (/^ctr_/i.test(trimmed)) {
    throw new CpsInputError("contractId", `CPS takes the contract id without the PAPI "ctr_" prefix ("${trimmed.slice(4)}")`);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(trimmed)) {
    throw new CpsInputError("contractId", "contains characters a contract id never has");
  }
  return trimmed;
}

export function requireAck(field: string, value: unknown): "acknowledge" | "deny" {
  if (value !== "acknowledge" && value !== "deny") {
    throw new CpsInputError(field, `expected "acknowledge" or "deny", got ${describe(value)}`);
  }
  return value;
}

/** `deploy-not-before`/`deploy-not-after`: a date (`2021-01-31`) or an ISO-8601 timestamp. */
export function optionalDeployDate(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new CpsInputError(field, `expected a date (YYYY-MM-DD) or ISO-8601 timestamp, got ${describe(value)}`);
  }
  return value;
}

export function optionalBoolean(field: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new CpsInputError(field, `expected a boolean, got ${describe(value)}`);
  return value;
}

/** Parse client input with a zod schema; the first issue names the field. */
export function parseInput<S extends z.ZodType>(field: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = [field, ...issue.path.map(String)].join(".");
    throw new CpsInputError(where, issue.message);
  }
  return result.data;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean" || value === undefined) return String(value);
  return typeof value;
}
