/**
 * A client for `@pulumi/pulumi/cmd/dynamic-provider`, the process `pulumi up` starts (through the
 * `pulumi-resource-pulumi-nodejs` script) to run every `pulumi.dynamic.Resource`. It is spawned the
 * way the engine spawns it: `node <sdk>/cmd/dynamic-provider <engine address>` in the program's
 * directory (the serialized providers `require` modules relative to it); the first stdout line is
 * the port of its gRPC `ResourceProvider` server. The methods mirror the engine's calls, including
 * how the engine treats secrets for a provider that does not accept them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import {
  annotateSecrets,
  fromStruct,
  secret,
  toStruct,
  unwrapSecretsInMap,
  type PropertyMap,
} from "./propertyValues";
import { splitLines } from "./lines";

export interface DynamicProviderHostOptions {
  /** Directory the host runs in: the Pulumi program's directory (default: `process.cwd()`). */
  cwd?: string;
  /** Environment of the host process (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Address passed as the engine address argument (the host requires one and ignores it). */
  engineAddress?: string;
  /** Receives every stdout/stderr line the host prints after its port (provider console output). */
  onOutput?: (stream: "stdout" | "stderr", line: string) => void;
  /** How long to wait for the port line (default 30 s). */
  startTimeoutMs?: number;
}

export interface ConfigureOptions {
  /** Keys whose values are sent as secrets (the engine wraps secret config values). */
  secretKeys?: string[];
}

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: PropertyMap;
  failures: CheckFailure[];
}

export type DiffChanges = "none" | "some" | "unknown";
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  stables: string[];
  deleteBeforeReplace: boolean;
}

/** What the provider reports when a create/update failed after the resource came to exist. */
export interface PartialState {
  id: string;
  properties: PropertyMap;
  reasons: string[];
  message: string;
}

export type CreateResult =
  | { status: "created"; id: string; properties: PropertyMap }
  | ({ status: "partial" } & PartialState);
export type UpdateResult =
  | { status: "updated"; properties: PropertyMap }
  | ({ status: "partial" } & PartialState);

export interface ReadResult {
  /** Empty when the resource no longer exists. */
  id: string;
  properties: PropertyMap;
  inputs?: PropertyMap;
}

export interface OperationOptions {
  preview?: boolean;
  /** Seconds, passed in the request like the engine's custom timeouts. */
  timeout?: number;
}

export interface DynamicProviderHost {
  readonly port: number;
  readonly pid: number;
  configure(config: Record<string, string>, options?: ConfigureOptions): Promise<{ acceptsSecrets: boolean }>;
  check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<DiffResult>;
  create(urn: string, props: PropertyMap, options?: OperationOptions): Promise<CreateResult>;
  read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult>;
  update(id: string, urn: string, olds: PropertyMap, news: PropertyMap, options?: OperationOptions & { oldInputs?: PropertyMap }): Promise<UpdateResult>;
  delete(id: string, urn: string, props: PropertyMap, oldInputs?: PropertyMap): Promise<void>;
  /** Kills the host process and closes the connection; safe to call twice. */
  stop(): Promise<void>;
}

/** A failed provider call (other than a partial create/update). */
export class ProviderCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ProviderCallError";
  }
}

/** Resolves `cmd/dynamic-provider` of the SDK the program itself uses, like `./node_modules/@pulumi/pulumi/...`. */
export function resolveDynamicProviderEntry(cwd: string): string {
  let packageJson: string;
  try {
    packageJson = require.resolve("@pulumi/pulumi/package.json", { paths: [cwd] });
  } catch {
    packageJson = require.resolve("@pulumi/pulumi/package.json");
  }
  return path.join(path.dirname(packageJson), "cmd", "dynamic-provider");
}

export async function startDynamicProviderHost(options: DynamicProviderHostOptions = {}): Promise<DynamicProviderHost> {
  const cwd = options.cwd ?? process.cwd();
  const child = spawn(process.execPath, [resolveDynamicProviderEntry(cwd), options.engineAddress ?? "127.0.0.1:0"], {
    cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  try {
    const port = await waitForPort(child, options);
    return new HostConnection(child, port);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

function waitForPort(child: ChildProcessWithoutNullStreams, options: DynamicProviderHostOptions): Promise<number> {
  const forward = options.onOutput ?? (() => undefined);
  return new Promise<number>((resolve, reject) => {
    let port: number | undefined;
    const stderrSoFar: string[] = [];
    const timer = setTimeout(() => fail(new Error("the dynamic-provider host did not print its port in time")), options.startTimeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    splitLines(child.stdout, (line) => {
      if (port !== undefined) return forward("stdout", line);
      const parsed = Number.parseInt(line.trim(), 10);
      if (!Number.isInteger(parsed) || parsed <= 0) return fail(new Error(`unexpected first line from the dynamic-provider host: ${line}`));
      port = parsed;
      clearTimeout(timer);
      resolve(parsed);
    });
    splitLines(child.stderr, (line) => {
      if (port === undefined) stderrSoFar.push(line);
      forward("stderr", line);
    });
    child.once("error", fail);
    child.once("exit", (code, signal) => {
      if (port === undefined) fail(new Error(`the dynamic-provider host exited (${code ?? signal}) before printing its port: ${stderrSoFar.join("\n")}`));
    });
  });
}

class HostConnection implements DynamicProviderHost {
  private readonly client: ResourceProviderClient;
  private acceptsSecrets = false;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {
    this.client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async configure(config: Record<string, string>, options: ConfigureOptions = {}): Promise<{ acceptsSecrets: boolean }> {
    const secretKeys = new Set(options.secretKeys ?? []);
    const args: PropertyMap = {};
    const request = new providerProto.ConfigureRequest();
    for (const [key, value] of Object.entries(config)) {
      args[key] = secretKeys.has(key) ? secret(value) : value;
      request.getVariablesMap().set(key, value);
    }
    // What the engine sets for every provider it configures.
    request.setArgs(toStruct(args)).setAcceptsecrets(true).setAcceptresources(true).setSendsOldInputs(true).setSendsOldInputsToDelete(true);
    const response = await this.call<providerProto.ConfigureResponse>("Configure", (cb) => this.client.configure(request, cb));
    this.acceptsSecrets = response.getAcceptsecrets();
    return { acceptsSecrets: this.acceptsSecrets };
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const request = new providerProto.CheckRequest().setUrn(urn).setOlds(this.outgoing(olds)).setNews(this.outgoing(news));
    setNameAndType(request, urn);
    const response = await this.call<providerProto.CheckResponse>("Check", (cb) => this.client.check(request, cb));
    return {
      inputs: annotateSecrets(fromStruct(response.getInputs()), news),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: PropertyMap, news: PropertyMap, oldInputs?: PropertyMap): Promise<DiffResult> {
    const request = new providerProto.DiffRequest().setId(id).setUrn(urn).setOlds(this.outgoing(olds)).setNews(this.outgoing(news));
    if (oldInputs) request.setOldInputs(this.outgoing(oldInputs));
    setNameAndType(request, urn);
    const response = await this.call<providerProto.DiffResponse>("Diff", (cb) => this.client.diff(request, cb));
    const kinds = providerProto.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      stables: response.getStablesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: PropertyMap, options: OperationOptions = {}): Promise<CreateResult> {
    const request = new providerProto.CreateRequest().setUrn(urn).setProperties(this.outgoing(props)).setPreview(options.preview ?? false);
    if (options.timeout !== undefined) request.setTimeout(options.timeout);
    setNameAndType(request, urn);
    try {
      const response = await this.call<providerProto.CreateResponse>("Create", (cb) => this.client.create(request, cb));
      return { status: "created", id: response.getId(), properties: annotateSecrets(fromStruct(response.getProperties()), props) };
    } catch (error) {
      const partial = partialStateOf(error, props);
      if (partial) return { status: "partial", ...partial };
      throw error;
    }
  }

  async read(id: string, urn: string, props: PropertyMap, inputs?: PropertyMap): Promise<ReadResult> {
    const request = new providerProto.ReadRequest().setId(id).setUrn(urn).setProperties(this.outgoing(props));
    if (inputs) request.setInputs(this.outgoing(inputs));
    setNameAndType(request, urn);
    const response = await this.call<providerProto.ReadResponse>("Read", (cb) => this.client.read(request, cb));
    const resultInputs = response.getInputs();
    return {
      id: response.getId(),
      properties: annotateSecrets(fromStruct(response.getProperties()), props),
      ...(resultInputs ? { inputs: annotateSecrets(fromStruct(resultInputs), inputs ?? {}) } : {}),
    };
  }

  async update(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    options: OperationOptions & { oldInputs?: PropertyMap } = {},
  ): Promise<UpdateResult> {
    const request = new providerProto.UpdateRequest()
      .setId(id)
      .setUrn(urn)
      .setOlds(this.outgoing(olds))
      .setNews(this.outgoing(news))
      .setPreview(options.preview ?? false);
    if (options.timeout !== undefined) request.setTimeout(options.timeout);
    if (options.oldInputs) request.setOldInputs(this.outgoing(options.oldInputs));
    setNameAndType(request, urn);
    try {
      const response = await this.call<providerProto.UpdateResponse>("Update", (cb) => this.client.update(request, cb));
      return { status: "updated", properties: annotateSecrets(fromStruct(response.getProperties()), news) };
    } catch (error) {
      const partial = partialStateOf(error, news);
      if (partial) return { status: "partial", ...partial };
      throw error;
    }
  }

  async delete(id: string, urn: string, props: PropertyMap, oldInputs?: PropertyMap): Promise<void> {
    const request = new providerProto.DeleteRequest().setId(id).setUrn(urn).setProperties(this.outgoing(props));
    if (oldInputs) request.setOldInputs(this.outgoing(oldInputs));
    setNameAndType(request, urn);
    await this.call("Delete", (cb) => this.client.delete(request, cb));
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.client.close();
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
    return this.stopped;
  }

  /** The engine strips secret markers for a provider that said it does not accept secrets. */
  private outgoing(map: PropertyMap) {
    return toStruct(this.acceptsSecrets ? map : unwrapSecretsInMap(map));
  }

  private call<T>(method: string, invoke: (callback: (error: grpc.ServiceError | null, response: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      invoke((error, response) => {
        if (error) reject(new ProviderCallErrorWithStatus(method, error));
        else resolve(response);
      });
    });
  }
}

/** Keeps the gRPC metadata (status details) next to the readable error. */
class ProviderCallErrorWithStatus extends ProviderCallError {
  constructor(
    method: string,
    readonly serviceError: grpc.ServiceError,
  ) {
    super(method, serviceError.code, `${method} failed: ${serviceError.details || serviceError.message}`);
  }
}

/** The engine decodes `ErrorResourceInitFailed` from the `grpc-status-details-bin` trailer. */
function partialStateOf(error: unknown, sentProps: PropertyMap): PartialState | undefined {
  if (!(error instanceof ProviderCallErrorWithStatus)) return undefined;
  const raw = error.serviceError.metadata?.get("grpc-status-details-bin")[0];
  if (!raw || typeof raw === "string") return undefined;
  const status = Status.deserializeBinary(new Uint8Array(raw));
  for (const detail of status.getDetailsList()) {
    if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const failure = providerProto.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
    return {
      id: failure.getId(),
      properties: annotateSecrets(fromStruct(failure.getProperties()), sentProps),
      reasons: failure.getReasonsList(),
      message: error.serviceError.details || status.getMessage(),
    };
  }
  return undefined;
}

interface NamedRequest {
  setName(value: string): unknown;
  setType(value: string): unknown;
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`: newer engines also send name and type. */
function setNameAndType(request: NamedRequest, urn: string): void {
  const parts = urn.split("::");
  if (parts.length < 4) return;
  const qualifiedType = parts[2] ?? "";
  request.setType(qualifiedType.split("$").pop() ?? qualifiedType);
  request.setName(parts.slice(3).join("::"));
}

