/**
 * The steps of a deployment: what the engine does for each resource the program registers
 * (check, diff, then create/update/replace or nothing), the deletes after the program ends, and
 * refresh and destroy. State is written after every step; preview only plans.
 */
import { messageOf } from "./errors";
import type { HostPool } from "./hostPool";
import type { LogSeverity, MonitorHandler, RegisterRequest, RegisterResponse } from "./monitorServer";
import { containsSecrets, secret, type PropertyMap } from "./propertyValues";
import type { Reporter, StepOp } from "./reporter";
import type { StateResource, StateStore } from "./state";
import { isDynamicType, makeUrn, nameOfUrn, STACK_TYPE } from "./urn";

export interface DeploymentOptions {
  project: string;
  stack: string;
  dryRun: boolean;
  store: StateStore;
  reporter: Reporter;
  hosts: HostPool;
  /** Called on the first failed step: the engine stops the program, as `pulumi up` does. */
  onFirstFailure?: () => void;
}

type Base = Pick<StateResource, "urn" | "type" | "name" | "custom" | "parent" | "dependencies">;

export class Deployment implements MonitorHandler {
  /** Settles when the step of a URN registered in this run is done (successfully or not). */
  private readonly completions = new Map<string, Promise<void>>();
  private readonly registered = new Set<string>();
  private stackUrn = "";
  /** Stack outputs the program registered in this run. */
  stackOutputs: PropertyMap | undefined;
  readonly failures: string[] = [];

  constructor(private readonly options: DeploymentOptions) {}

  async registerResource(request: RegisterRequest): Promise<RegisterResponse> {
    const { project, stack } = this.options;
    const parent = request.type === STACK_TYPE ? undefined : request.parent || undefined;
    const urn = makeUrn(stack, project, request.type, request.name, parent);
    if (this.registered.has(urn)) throw new Error(`duplicate resource URN ${urn}: resource names must be unique per type`);
    this.registered.add(urn);
    const work = this.step(urn, parent, request);
    this.completions.set(
      urn,
      work.then(
        () => undefined,
        () => undefined,
      ),
    );
    try {
      return await work;
    } catch (error) {
      const message = messageOf(error);
      this.failures.push(message);
      this.options.reporter.step({ op: "failed", urn, name: request.name, type: request.type, detail: message });
      if (this.failures.length === 1) this.options.onFirstFailure?.();
      throw error;
    }
  }

  async registerResourceOutputs(urn: string, outputs: PropertyMap): Promise<void> {
    if (urn !== this.stackUrn) return;
    this.stackOutputs = outputs;
    await this.options.store.setOutputs(outputs);
  }

  log(severity: LogSeverity, message: string, urn: string): void {
    if (severity === "debug") return;
    const where = urn ? ` (${nameOfUrn(urn)})` : "";
    const prefix = severity === "info" ? "" : `${severity}${where}: `;
    for (const line of message.replace(/\n$/, "").split("\n")) this.options.reporter.line(`    ${prefix}${line}`);
  }

  /** After the program: deletes what it no longer declares and old copies of replaced resources, dependents first. */
  async finish(programSucceeded: boolean): Promise<void> {
    const { store, reporter } = this.options;
    // Steps already started run to completion (also when the program was stopped after a failure).
    await Promise.all(this.completions.values());
    const doomed = store.state.resources.filter((r) => r.pendingDelete || !this.registered.has(r.urn));
    if (!programSucceeded) {
      if (doomed.length > 0) reporter.line(`  (${doomed.length} delete(s) skipped because the program failed)`);
      return;
    }
    await this.deleteInReverseOrder(doomed);
  }

  /** `refresh`: Read every resource; gone ones leave the state. */
  async refresh(): Promise<void> {
    const { store, hosts, reporter } = this.options;
    const live = store.state.resources.filter((r) => r.custom && !r.pendingDelete);
    await Promise.all(
      live.map(async (resource) => {
        try {
          const result = await hosts.run(resource.name, (h) => h.read(resource.id ?? "", resource.urn, resource.outputs, resource.inputs));
          if (!result.id) {
            await store.remove(resource);
            reporter.step({ ...record("delete", resource), detail: "gone" });
            return;
          }
          const changed = JSON.stringify(result.properties) !== JSON.stringify(resource.outputs);
          await store.upsert({ ...resource, id: result.id, outputs: result.properties, inputs: result.inputs ?? resource.inputs });
          reporter.step(record(changed ? "refresh" : "same", resource));
        } catch (error) {
          this.fail(resource, error);
        }
      }),
    );
  }

  /** `destroy`: deletes everything, dependents first. */
  async destroy(): Promise<void> {
    await this.deleteInReverseOrder([...this.options.store.state.resources]);
    if (this.failures.length === 0) await this.options.store.setOutputs({});
  }

  private async step(urn: string, parent: string | undefined, request: RegisterRequest): Promise<RegisterResponse> {
    // The SDK already waits for dependencies' outputs; this also orders bare `dependsOn`.
    await Promise.all([...request.dependencies, parent ?? ""].map((dep) => this.completions.get(dep)));
    const base: Base = { urn, type: request.type, name: request.name, custom: request.custom, dependencies: request.dependencies, ...(parent ? { parent } : {}) };
    if (request.type === STACK_TYPE || !request.custom) {
      if (request.remote) throw new Error(`${request.type} "${request.name}": multi-language components are not supported by the local engine`);
      if (request.type === STACK_TYPE) this.stackUrn = urn;
      const old = this.options.store.live(urn);
      await this.options.store.upsert({ ...base, inputs: {}, outputs: old?.outputs ?? {} });
      return { urn, id: "", outputs: {} };
    }
    if (!isDynamicType(request.type)) {
      throw new Error(
        `${request.type} "${request.name}" is not supported by the local engine: it runs dynamic resources (pulumi-nodejs:dynamic:*), components and the stack only. Run this program with the Pulumi CLI.`,
      );
    }
    if (request.importId) throw new Error(`${request.name}: import is not supported for dynamic resources (pulumi/pulumi#16175); use the resource's adopt input`);
    return this.dynamicStep(base, request);
  }

  private async dynamicStep(base: Base, request: RegisterRequest): Promise<RegisterResponse> {
    const { store, hosts } = this.options;
    const old = store.live(base.urn);
    const news = old ? keepIgnoredChanges(old.inputs, request.inputs, request.ignoreChanges) : request.inputs;
    const checked = await hosts.run(base.name, (h) => h.check(base.urn, old?.inputs ?? {}, news));
    if (checked.failures.length > 0) {
      throw new Error(`${base.name}: invalid inputs:\n${checked.failures.map((f) => `      - ${f.property}: ${f.reason}`).join("\n")}`);
    }
    const inputs = checked.inputs;
    if (!old) return this.create(base, inputs, request);

    const changedKeys = changedInputKeys(old.inputs, inputs);
    const diff = await hosts.run(base.name, (h) => h.diff(old.id ?? "", base.urn, old.outputs, inputs, old.inputs));
    const replaceOnChanges = request.replaceOnChanges.includes("*") ? changedKeys : request.replaceOnChanges.filter((k) => changedKeys.includes(k));
    const replaces = [...new Set([...diff.replaces, ...replaceOnChanges])];
    // DIFF_UNKNOWN (no diff method): the engine falls back to comparing the inputs, `__provider` included.
    const changed = diff.changes === "some" || (diff.changes === "unknown" && JSON.stringify(old.inputs) !== JSON.stringify(inputs));
    if (replaces.length > 0) return this.replace(old, base, inputs, request, replaces, diff.deleteBeforeReplace || request.deleteBeforeReplace);
    if (changed || (old.initErrors?.length ?? 0) > 0) {
      // Name what changed: the inputs, else the provider's own reason (drift, a new CPS change; see its [cps] lines).
      const what = changedKeys.length > 0 ? changedKeys.join(", ") : "no input changed; the provider reports a change";
      const detail = old.initErrors?.length ? `${changedKeys.length > 0 ? `${changedKeys.join(", ")}; ` : ""}retrying after the last run failed on it` : what;
      return this.update(old, base, inputs, request, detail);
    }
    this.options.reporter.step(record("same", base));
    await store.upsert({ ...base, id: old.id, inputs, outputs: old.outputs });
    return { urn: base.urn, id: old.id ?? "", outputs: old.outputs };
  }

  private async create(base: Base, inputs: PropertyMap, request: RegisterRequest, replacing?: { keys: string[] }): Promise<RegisterResponse> {
    const { store, hosts, reporter, dryRun } = this.options;
    const op: StepOp = replacing ? "replace" : "create";
    if (dryRun) {
      reporter.step({ ...record(op, base), ...(replacing ? { detail: replacing.keys.join(", ") } : {}) });
      return { urn: base.urn, id: "", outputs: inputs };
    }
    const pending = await store.beginOperation({ urn: base.urn, operation: "creating" });
    const result = await hosts.run(base.name, (h) => h.create(base.urn, inputs)).finally(() => store.endOperation(pending));
    if (result.status === "partial") {
      await store.upsert({ ...base, id: result.id, inputs, outputs: result.properties, initErrors: [result.message, ...result.reasons] });
      throw new Error(`${base.name}: ${op} failed after the resource was created (id ${result.id}); it is kept in the state and the next up resumes it: ${result.message}`);
    }
    const outputs = withAdditionalSecrets(result.properties, request.additionalSecretOutputs);
    await store.upsert({ ...base, id: result.id, inputs, outputs });
    reporter.step({ ...record(op, base), ...(replacing ? { detail: replacing.keys.join(", ") } : {}) });
    return { urn: base.urn, id: result.id, outputs };
  }

  private async update(old: StateResource, base: Base, inputs: PropertyMap, request: RegisterRequest, detail: string): Promise<RegisterResponse> {
    const { store, hosts, reporter, dryRun } = this.options;
    const id = old.id ?? "";
    if (dryRun) {
      reporter.step({ ...record("update", base), detail });
      return { urn: base.urn, id, outputs: inputs };
    }
    const pending = await store.beginOperation({ urn: base.urn, operation: "updating", id });
    const result = await hosts
      .run(base.name, (h) => h.update(id, base.urn, old.outputs, inputs, { oldInputs: old.inputs }))
      .finally(() => store.endOperation(pending));
    if (result.status === "partial") {
      await store.upsert({ ...base, id: result.id || id, inputs, outputs: result.properties, initErrors: [result.message, ...result.reasons] });
      throw new Error(`${base.name}: update failed part-way; the state keeps what the provider reported and the next up resumes it: ${result.message}`);
    }
    const outputs = withAdditionalSecrets(result.properties, request.additionalSecretOutputs);
    await store.upsert({ ...base, id, inputs, outputs });
    reporter.step({ ...record("update", base), detail });
    return { urn: base.urn, id, outputs };
  }

  private async replace(
    old: StateResource,
    base: Base,
    inputs: PropertyMap,
    request: RegisterRequest,
    keys: string[],
    deleteFirst: boolean,
  ): Promise<RegisterResponse> {
    const { store, dryRun } = this.options;
    if (dryRun) return this.create(base, inputs, request, { keys });
    if (deleteFirst) {
      await this.deleteResource(old, { quiet: true });
      return this.create(base, inputs, request, { keys });
    }
    // Create before delete: the old copy is deleted after the program, like the engine does.
    await store.markPendingDelete(old);
    try {
      return await this.create(base, inputs, request, { keys });
    } catch (error) {
      if (!store.live(base.urn)) {
        old.pendingDelete = false;
        await store.save();
      }
      throw error;
    }
  }

  private async deleteInReverseOrder(entries: StateResource[]): Promise<void> {
    const remaining = new Set(entries);
    const dependsOn = (a: StateResource, b: StateResource) => a !== b && a.urn !== b.urn && (a.dependencies.includes(b.urn) || a.parent === b.urn);
    while (remaining.size > 0) {
      const pending = [...remaining];
      let ready = pending.filter((r) => !pending.some((other) => dependsOn(other, r)));
      if (ready.length === 0) ready = pending; // a cycle cannot come from the SDK; do not hang on a corrupt state
      const results = await Promise.allSettled(ready.map((r) => this.deleteResource(r)));
      ready.forEach((r) => remaining.delete(r));
      const failed = results.filter((r) => r.status === "rejected");
      if (failed.length > 0) {
        if (remaining.size > 0) this.options.reporter.line(`  (${remaining.size} delete(s) not attempted: a resource that depends on them could not be deleted)`);
        return;
      }
    }
  }

  private async deleteResource(resource: StateResource, options: { quiet?: boolean } = {}): Promise<void> {
    const { store, hosts, reporter, dryRun } = this.options;
    // The old copy of a replaced resource belongs to its replace step, not to a delete of its own.
    if (resource.pendingDelete) reporter.line(`  -  ${resource.name} (${resource.type}) deleting the replaced copy ${resource.id ?? ""}`);
    else if (!options.quiet) reporter.step(record("delete", resource));
    if (dryRun) return;
    if (!resource.custom) return store.remove(resource);
    try {
      const pending = await store.beginOperation({ urn: resource.urn, operation: "deleting", ...(resource.id ? { id: resource.id } : {}) });
      await hosts
        .run(resource.name, (h) => h.delete(resource.id ?? "", resource.urn, resource.outputs, resource.inputs))
        .finally(() => store.endOperation(pending));
      await store.remove(resource);
    } catch (error) {
      this.fail(resource, error);
      throw error;
    }
  }

  private fail(resource: Base, error: unknown): void {
    const message = messageOf(error);
    this.failures.push(message);
    this.options.reporter.step({ ...record("failed", resource), detail: message });
    if (this.failures.length === 1) this.options.onFirstFailure?.();
  }
}

function record(op: StepOp, resource: Base) {
  return { op, urn: resource.urn, name: resource.name, type: resource.type };
}

/** Top-level input names whose values differ (never `__provider`: it is how, not what). */
function changedInputKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  keys.delete("__provider");
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** `ignoreChanges` (top-level names): keep the old value of those inputs. */
function keepIgnoredChanges(olds: PropertyMap, news: PropertyMap, ignored: string[]): PropertyMap {
  if (ignored.length === 0) return news;
  const result = { ...news };
  for (const key of ignored) {
    const old = olds[key];
    if (old === undefined) delete result[key];
    else result[key] = old;
  }
  return result;
}

function withAdditionalSecrets(outputs: PropertyMap, names: string[]): PropertyMap {
  const result = { ...outputs };
  for (const name of names) {
    const value = result[name];
    if (value !== undefined && !containsSecrets(value)) result[name] = secret(value);
  }
  return result;
}
