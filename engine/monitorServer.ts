/**
 * The gRPC services a Pulumi program talks to: `ResourceMonitor` (register resources, stack
 * outputs) and `Engine` (logging, root resource). Requests are decoded into plain objects and
 * handed to a {@link MonitorHandler}; everything the local engine does not support answers with a
 * clear error (or UNIMPLEMENTED, which the SDK treats as "feature absent").
 */
import { messageOf } from "./errors";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { fromStruct, toStruct, type PropertyMap } from "./propertyValues";

export interface RegisterRequest {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  remote: boolean;
  inputs: PropertyMap;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  provider: string;
  importId: string;
}

export interface RegisterResponse {
  urn: string;
  id: string;
  outputs: PropertyMap;
}

export type LogSeverity = "debug" | "info" | "warning" | "error";

export interface MonitorHandler {
  registerResource(request: RegisterRequest): Promise<RegisterResponse>;
  registerResourceOutputs(urn: string, outputs: PropertyMap): Promise<void>;
  log(severity: LogSeverity, message: string, urn: string): void;
}

export interface MonitorServer {
  address: string;
  stop(): Promise<void>;
}

/** Features the SDK asks about. Secrets are kept; everything else takes the SDK's simpler fallback path. */
const SUPPORTED_FEATURES = new Set(["secrets"]);

type UnaryCall<Req> = grpc.ServerUnaryCall<Req, unknown>;
type Callback<Res> = grpc.sendUnaryData<Res>;

export async function startMonitorServer(handler: MonitorHandler): Promise<MonitorServer> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  let rootResource = "";

  server.addService(ResourceMonitorService, {
    supportsFeature(call: UnaryCall<resourceProto.SupportsFeatureRequest>, callback: Callback<resourceProto.SupportsFeatureResponse>) {
      callback(null, new resourceProto.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(call.request.getId())));
    },
    registerResource(call: UnaryCall<resourceProto.RegisterResourceRequest>, callback: Callback<resourceProto.RegisterResourceResponse>) {
      respond(callback, async () => {
        const result = await handler.registerResource(decodeRegister(call.request));
        return new resourceProto.RegisterResourceResponse().setUrn(result.urn).setId(result.id).setObject(toStruct(result.outputs));
      });
    },
    registerResourceOutputs(call: UnaryCall<resourceProto.RegisterResourceOutputsRequest>, callback: Callback<Empty>) {
      respond(callback, async () => {
        await handler.registerResourceOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
        return new Empty();
      });
    },
    readResource(call: UnaryCall<resourceProto.ReadResourceRequest>, callback: Callback<resourceProto.ReadResourceResponse>) {
      callback(notSupported(`reading an existing resource (${call.request.getType()} "${call.request.getName()}", e.g. Resource.get)`));
    },
    invoke(call: UnaryCall<resourceProto.ResourceInvokeRequest>, callback: Callback<never>) {
      callback(notSupported(`provider functions (invoke of ${call.request.getTok()})`));
    },
    call(call: UnaryCall<resourceProto.ResourceCallRequest>, callback: Callback<never>) {
      callback(notSupported(`method calls (${call.request.getTok()})`));
    },
    signalAndWaitForShutdown(_call: UnaryCall<Empty>, callback: Callback<Empty>) {
      // Deletes happen after the program exits; nothing to wait for here.
      callback(null, new Empty());
    },
  });

  server.addService(EngineService, {
    log(call: UnaryCall<engineProto.LogRequest>, callback: Callback<Empty>) {
      handler.log(severityOf(call.request.getSeverity()), call.request.getMessage(), call.request.getUrn());
      callback(null, new Empty());
    },
    getRootResource(_call: UnaryCall<engineProto.GetRootResourceRequest>, callback: Callback<engineProto.GetRootResourceResponse>) {
      callback(null, new engineProto.GetRootResourceResponse().setUrn(rootResource));
    },
    setRootResource(call: UnaryCall<engineProto.SetRootResourceRequest>, callback: Callback<engineProto.SetRootResourceResponse>) {
      rootResource = call.request.getUrn();
      callback(null, new engineProto.SetRootResourceResponse());
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort)));
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // A program killed mid-call can leave a call open: do not wait for it forever.
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2000).unref();
      }),
  };
}

function decodeRegister(request: resourceProto.RegisterResourceRequest): RegisterRequest {
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((deps, key) => {
    propertyDependencies[key] = deps.getUrnsList();
  });
  return {
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent(),
    custom: request.getCustom(),
    remote: request.getRemote(),
    inputs: fromStruct(request.getObject()),
    dependencies: request.getDependenciesList(),
    propertyDependencies,
    deleteBeforeReplace: request.getDeletebeforereplace(),
    replaceOnChanges: request.getReplaceonchangesList(),
    ignoreChanges: request.getIgnorechangesList(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    provider: request.getProvider(),
    importId: request.getImportid(),
  };
}

function respond<T>(callback: Callback<T>, work: () => Promise<T>): void {
  work().then(
    (value) => callback(null, value),
    (error: unknown) => callback({ code: grpc.status.UNKNOWN, details: messageOf(error) }),
  );
}

function notSupported(what: string): Partial<grpc.StatusObject> {
  return { code: grpc.status.UNIMPLEMENTED, details: `${what} is not supported by the local engine` };
}

function severityOf(severity: engineProto.LogSeverity): LogSeverity {
  switch (severity) {
    case engineProto.LogSeverity.DEBUG:
      return "debug";
    case engineProto.LogSeverity.WARNING:
      return "warning";
    case engineProto.LogSeverity.ERROR:
      return "error";
    default:
      return "info";
  }
}
