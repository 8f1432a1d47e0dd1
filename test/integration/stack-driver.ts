/**
 * Drives our dynamic providers through @pulumi/pulumi's dynamic-provider host in the order the
 * engine uses: Check → Diff → Create/Update/Replace → Read → Delete. Keeps a small in-memory
 * "state" per resource, like the engine's checkpoint, including partial state after failed creates.
 */
import * as fs from "fs";
import * as path from "path";
import { startDynamicProviderHost, DynamicProviderHost, PropertyMap, unwrapSecretsInMap, dynamicUrn } from "../harness";
import { serializeProvider } from "../harness";
import { lazyProvider } from "../../sdk/lazy-provider";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The host resolves `pulumi-akamai-cps/...` from node_modules: point it at this checkout's build. */
export function ensureSelfLink(): void {
  const link = path.join(PROJECT_ROOT, "node_modules", "pulumi-akamai-cps");
  if (!fs.existsSync(path.join(PROJECT_ROOT, "dist", "provider", "resources", "enrollment.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (npm test does) before the integration tests");
  }
  try {
    fs.lstatSync(link);
  } catch {
    fs.symlinkSync("..", link, "dir");
  }
}

export type ResourceKind =
  | "Enrollment"
  | "DvValidation"
  | "Deployment"
  | "EdgeDnsTxtRecord"
  | "CertificateUpload"
  | "AcmeCertificate"
  | "SecureEdgeHostname"
  | "EdgeDnsCnameRecord";

const MODULES: Record<ResourceKind, [file: string, exportName: string]> = {
  Enrollment: ["enrollment", "enrollmentProvider"],
  DvValidation: ["dv-validation", "dvValidationProvider"],
  Deployment: ["deployment", "deploymentProvider"],
  EdgeDnsTxtRecord: ["edge-dns-txt-record", "edgeDnsTxtRecordProvider"],
  CertificateUpload: ["certificate-upload", "certificateUploadProvider"],
  AcmeCertificate: ["acme-certificate", "acmeCertificateProvider"],
  SecureEdgeHostname: ["secure-edge-hostname", "secureEdgeHostnameProvider"],
  EdgeDnsCnameRecord: ["edge-dns-cname-record", "edgeDnsCnameRecordProvider"],
};

export interface ResourceState {
  kind: ResourceKind;
  name: string;
  urn: string;
  id: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

export type StepResult =
  | { op: "create" | "update" | "replace" | "same"; state: ResourceState }
  | { op: "failed"; message: string; failures?: Array<{ property: string; reason: string }>; state?: ResourceState };

export class StackDriver {
  readonly states = new Map<string, ResourceState>();
  private providers = new Map<ResourceKind, string>();

  /** `output`: every line the provider printed (progress, warnings), in order. */
  private constructor(
    public host: DynamicProviderHost,
    readonly output: string[],
    private readonly config: Record<string, string>,
    private readonly env: NodeJS.ProcessEnv,
    /** The stack this driver plays (`__cpsStack`, as the SDK sets it from organization/project/stack). */
    readonly stack: string,
  ) {}

  /**
   * `env` should carry its own `PULUMI_AKAMAI_CPS_JOURNAL_DIR` (startTestStack makes one) so tests never
   * write the user's ~/.pulumi; two drivers that share it and differ in `stack` play two stacks on one machine.
   */
  static async start(config: Record<string, string>, env: NodeJS.ProcessEnv = process.env, stack = "organization/integration/test"): Promise<StackDriver> {
    ensureSelfLink();
    const lines: string[] = [];
    const host = await startDynamicProviderHost({ cwd: PROJECT_ROOT, env, onOutput: (_s, line) => lines.push(line) });
    const driver = new StackDriver(host, lines, config, env, stack);
    await host.configure(config);
    return driver;
  }

  /**
   * Start a fresh dynamic-provider host, as each `pulumi preview`/`up` invocation does: nothing cached
   * in the previous provider process (e.g. the shared enrollment list) survives.
   */
  async newRun(): Promise<void> {
    await this.host.stop();
    this.host = await startDynamicProviderHost({ cwd: PROJECT_ROOT, env: this.env, onOutput: (_s, line) => this.output.push(line) });
    await this.host.configure(this.config);
  }

  async providerText(kind: ResourceKind): Promise<string> {
    let text = this.providers.get(kind);
    if (!text) {
      const [file, exportName] = MODULES[kind];
      text = await serializeProvider(lazyProvider(file, exportName));
      this.providers.set(kind, text);
    }
    return text;
  }

  /** The inputs the SDK would send for a resource: the user's, plus its name, stack and serialized provider. */
  async news(kind: ResourceKind, name: string, inputs: PropertyMap): Promise<PropertyMap> {
    return { ...inputs, __cpsName: name, ...(kind === "Enrollment" ? { __cpsStack: this.stack } : {}), __provider: await this.providerText(kind) };
  }

  /** `pulumi up` for one resource. */
  async up(kind: ResourceKind, name: string, inputs: PropertyMap): Promise<StepResult> {
    const urn = dynamicUrn(name, { module: "akamai-cps", type: kind });
    const prior = this.states.get(name);
    if (prior && prior.kind !== kind) throw new Error(`resource name ${name} is already used by a ${prior.kind}: use unique names in tests`);
    const news = await this.news(kind, name, inputs);
    const checked = await this.host.check(urn, prior?.inputs ?? {}, news);
    if (checked.failures.length > 0) return { op: "failed", message: "check failed", failures: checked.failures };
    if (!prior) return this.create(kind, name, urn, checked.inputs);
    const diff = await this.host.diff(prior.id, urn, prior.outputs, checked.inputs, prior.inputs);
    if (diff.changes === "none") return { op: "same", state: prior };
    if (diff.replaces.length > 0) {
      if (diff.deleteBeforeReplace) await this.host.delete(prior.id, urn, prior.outputs, prior.inputs);
      const created = await this.create(kind, name, urn, checked.inputs);
      if (created.op === "failed") return created;
      if (!diff.deleteBeforeReplace) await this.host.delete(prior.id, urn, prior.outputs, prior.inputs);
      return { op: "replace", state: created.state };
    }
    try {
      const updated = await this.host.update(prior.id, urn, prior.outputs, checked.inputs, { oldInputs: prior.inputs });
      const state = { ...prior, inputs: checked.inputs, outputs: updated.properties };
      this.states.set(name, state);
      if (updated.status === "partial") return { op: "failed", message: updated.message, state };
      return { op: "update", state };
    } catch (e) {
      return { op: "failed", message: e instanceof Error ? e.message : String(e), state: prior };
    }
  }

  private async create(kind: ResourceKind, name: string, urn: string, inputs: PropertyMap): Promise<StepResult> {
    try {
      const created = await this.host.create(urn, inputs);
      const state: ResourceState = { kind, name, urn, id: created.id, inputs, outputs: created.properties };
      this.states.set(name, state);
      if (created.status === "partial") return { op: "failed", message: created.message, state };
      return { op: "create", state };
    } catch (e) {
      return { op: "failed", message: e instanceof Error ? e.message : String(e) };
    }
  }

  /** `pulumi preview` for one resource: Check and Diff only. */
  async preview(kind: ResourceKind, name: string, inputs: PropertyMap): Promise<{ changes: string; replaces: string[]; failures: Array<{ property: string; reason: string }> }> {
    const urn = dynamicUrn(name, { module: "akamai-cps", type: kind });
    const prior = this.states.get(name);
    const news = await this.news(kind, name, inputs);
    const checked = await this.host.check(urn, prior?.inputs ?? {}, news);
    if (checked.failures.length > 0 || !prior) return { changes: prior ? "unknown" : "create", replaces: [], failures: checked.failures };
    const diff = await this.host.diff(prior.id, urn, prior.outputs, checked.inputs, prior.inputs);
    return { changes: diff.changes, replaces: diff.replaces, failures: [] };
  }

  /** `pulumi refresh` for one resource. Returns false when the resource is gone. */
  async refresh(name: string): Promise<boolean> {
    const prior = this.states.get(name);
    if (!prior) throw new Error(`no state for ${name}`);
    const read = await this.host.read(prior.id, prior.urn, prior.outputs, prior.inputs);
    if (!read.id) {
      this.states.delete(name);
      return false;
    }
    this.states.set(name, { ...prior, id: read.id, outputs: read.properties });
    return true;
  }

  async destroy(name: string): Promise<void> {
    const prior = this.states.get(name);
    if (!prior) return;
    await this.host.delete(prior.id, prior.urn, prior.outputs, prior.inputs);
    this.states.delete(name);
  }

  outputs(name: string): Record<string, unknown> {
    const s = this.states.get(name);
    if (!s) throw new Error(`no state for ${name}`);
    return unwrapSecretsInMap(s.outputs) as Record<string, unknown>;
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }
}
