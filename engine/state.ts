/**
 * The stack state: one JSON file, rewritten atomically (temp file, fsync, rename) after every
 * step, so an interrupted run (Ctrl-C, kill -9) loses at most the step in flight. Writes are
 * serialized: concurrent steps never interleave their files.
 */
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { isNotFound } from "./errors";
import { toPropertyMap, type PropertyMap } from "./propertyValues";

const propertyMap = z.record(z.string(), z.unknown()).transform((value) => toPropertyMap(value));

const resourceSchema = z.object({
  urn: z.string(),
  type: z.string(),
  name: z.string(),
  custom: z.boolean(),
  id: z.string().optional(),
  parent: z.string().optional(),
  dependencies: z.array(z.string()),
  inputs: propertyMap,
  outputs: propertyMap,
  /** Set when a create/update failed after the resource existed (partial state): the next `up` updates it. */
  initErrors: z.array(z.string()).optional(),
  /** An old copy replaced by create-before-delete whose delete has not happened yet. */
  pendingDelete: z.boolean().optional(),
});

const pendingOperationSchema = z.object({
  urn: z.string(),
  operation: z.enum(["creating", "updating", "deleting"]),
  id: z.string().optional(),
  startedAt: z.string(),
});

const stateSchema = z.object({
  version: z.literal(1),
  project: z.string(),
  stack: z.string(),
  resources: z.array(resourceSchema),
  outputs: propertyMap,
  /** Provider calls in flight when the state was last written: left over only if the run was killed. */
  pendingOperations: z.array(pendingOperationSchema),
});

export type StateResource = z.infer<typeof resourceSchema>;
export type PendingOperation = z.infer<typeof pendingOperationSchema>;
export type StackState = z.infer<typeof stateSchema>;

export class StateStore {
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    readonly state: StackState,
    private readonly readOnly: boolean,
  ) {}

  /** Loads the state (an absent file is an empty stack). `readOnly` (preview) never writes. */
  static async open(file: string, project: string, stack: string, readOnly: boolean): Promise<StateStore> {
    let text: string | undefined;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (text === undefined) {
      return new StateStore(file, { version: 1, project, stack, resources: [], outputs: {}, pendingOperations: [] }, readOnly);
    }
    const parsed = stateSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${file} is not a local-engine state file: ${z.prettifyError(parsed.error)}`);
    if (parsed.data.stack !== stack || parsed.data.project !== project) {
      throw new Error(`${file} holds stack ${parsed.data.project}/${parsed.data.stack}, not ${project}/${stack}`);
    }
    return new StateStore(file, parsed.data, readOnly);
  }

  /** The live (not pending-delete) entry for a URN. */
  live(urn: string): StateResource | undefined {
    return this.state.resources.find((r) => r.urn === urn && !r.pendingDelete);
  }

  /** Inserts or replaces the live entry of `resource.urn`. */
  upsert(resource: StateResource): Promise<void> {
    const index = this.state.resources.findIndex((r) => r.urn === resource.urn && !r.pendingDelete);
    if (index >= 0) this.state.resources[index] = resource;
    else this.state.resources.push(resource);
    return this.save();
  }

  remove(entry: StateResource): Promise<void> {
    this.state.resources = this.state.resources.filter((r) => r !== entry);
    return this.save();
  }

  markPendingDelete(entry: StateResource): Promise<void> {
    entry.pendingDelete = true;
    return this.save();
  }

  beginOperation(operation: Omit<PendingOperation, "startedAt">): Promise<PendingOperation> {
    const pending = { ...operation, startedAt: new Date().toISOString() };
    this.state.pendingOperations.push(pending);
    return this.save().then(() => pending);
  }

  /** Ends an operation; the caller's next upsert/remove writes the file. */
  endOperation(pending: PendingOperation): void {
    this.state.pendingOperations = this.state.pendingOperations.filter((p) => p !== pending);
  }

  setOutputs(outputs: PropertyMap): Promise<void> {
    this.state.outputs = outputs;
    return this.save();
  }

  clearPendingOperations(): Promise<void> {
    this.state.pendingOperations = [];
    return this.save();
  }

  /** Writes the current state; resolves once this (and every earlier) write is on disk. */
  save(): Promise<void> {
    if (this.readOnly) return Promise.resolve();
    const next = this.writes.then(() => writeAtomically(this.file, JSON.stringify(this.state, null, 2) + "\n"));
    this.writes = next.catch(() => undefined);
    return next;
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await fs.open(temp, "w");
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, file);
}
