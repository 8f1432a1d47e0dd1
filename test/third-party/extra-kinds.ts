/**
 * Drives resource kinds the shared StackDriver's table does not list (AcmeOrder) through the same
 * dynamic-provider host, in the same engine order: Check → Diff → Create/Update/Replace.
 */
import { dynamicUrn, PropertyMap, serializeProvider, unwrapSecretsInMap } from "../harness";
import { lazyProvider } from "../../sdk/lazy-provider";
import type { StackDriver } from "../integration/stack-driver";

interface State {
  urn: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

export type ExtraStep = { op: "create" | "update" | "replace" | "same" } | { op: "failed"; message: string; failures?: Array<{ property: string; reason: string }> };

export class ExtraKind {
  private readonly states = new Map<string, State>();
  private providerText?: string;

  constructor(
    private readonly driver: StackDriver,
    private readonly kind: string,
    private readonly file: string,
    private readonly exportName: string,
  ) {}

  private async news(name: string, inputs: PropertyMap): Promise<PropertyMap> {
    this.providerText ??= await serializeProvider(lazyProvider(this.file, this.exportName));
    return { ...inputs, __cpsName: name, __provider: this.providerText };
  }

  async up(name: string, inputs: PropertyMap): Promise<ExtraStep> {
    const host = this.driver.host;
    const urn = dynamicUrn(name, { module: "akamai-cps", type: this.kind });
    const prior = this.states.get(name);
    const checked = await host.check(urn, prior?.inputs ?? {}, await this.news(name, inputs));
    if (checked.failures.length > 0) return { op: "failed", message: "check failed", failures: checked.failures };
    try {
      if (prior) {
        const diff = await host.diff(prior.id, urn, prior.outputs, checked.inputs, prior.inputs);
        if (diff.changes === "none") return { op: "same" };
        if (diff.replaces.length === 0) {
          const updated = await host.update(prior.id, urn, prior.outputs, checked.inputs, { oldInputs: prior.inputs });
          this.states.set(name, { ...prior, inputs: checked.inputs, outputs: updated.properties });
          return updated.status === "partial" ? { op: "failed", message: updated.message } : { op: "update" };
        }
      }
      const created = await host.create(urn, checked.inputs);
      this.states.set(name, { urn, id: created.id, inputs: checked.inputs, outputs: created.properties });
      if (created.status === "partial") return { op: "failed", message: created.message };
      if (prior) await host.delete(prior.id, urn, prior.outputs, prior.inputs);
      return { op: prior ? "replace" : "create" };
    } catch (e) {
      return { op: "failed", message: e instanceof Error ? e.message : String(e) };
    }
  }

  outputs(name: string): Record<string, unknown> {
    const s = this.states.get(name);
    if (!s) throw new Error(`no state for ${name}`);
    return unwrapSecretsInMap(s.outputs) as Record<string, unknown>;
  }
}
