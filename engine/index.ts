/**
 * The local engine: runs a Pulumi TypeScript/JavaScript program whose resources are dynamic
 * resources, without the Pulumi CLI. See engine/README.md for what it does and does not do.
 */
import { messageOf } from "./errors";
import * as path from "node:path";
import { Deployment } from "./deployment";
import { HostPool } from "./hostPool";
import { startMonitorServer, type MonitorHandler, type MonitorServer } from "./monitorServer";
import { runProgram, programLocation } from "./program";
import { readProject, readStackConfig } from "./projectFiles";
import type { PropertyMap } from "./propertyValues";
import { Reporter, type Summary } from "./reporter";
import { StateStore } from "./state";

export type EngineCommand = "up" | "preview" | "refresh" | "destroy";
export const ENGINE_COMMANDS: readonly EngineCommand[] = ["up", "preview", "refresh", "destroy"];

export interface RunEngineOptions {
  command: EngineCommand;
  /** Directory holding `Pulumi.yaml`. */
  cwd: string;
  stack: string;
  /** State file (JSON), resolved against `cwd`; created when absent. */
  stateFile: string;
  /** Stack config file, resolved against `cwd` (default `Pulumi.<stack>.yaml`). */
  configFile?: string;
  /** Environment for the program and the dynamic-provider host (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Receives every output line (default: stdout). */
  onOutput?: (line: string) => void;
}

export interface RunEngineResult {
  exitCode: number;
  /** Stack outputs after the run (secrets keep their wire marker; see `unwrapSecrets`). */
  outputs: PropertyMap;
  summary: Summary;
}

export { type Summary, type StepRecord, type StepOp } from "./reporter";
export { type PropertyMap, type PropertyValue, unwrapSecrets, isSecret } from "./propertyValues";

export async function runEngine(options: RunEngineOptions): Promise<RunEngineResult> {
  const write = options.onOutput ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const dryRun = options.command === "preview";
  const reporter = new Reporter(write, dryRun);
  const cwd = path.resolve(options.cwd);
  let server: MonitorServer | undefined;
  let hosts: HostPool | undefined;
  try {
    const project = await readProject(cwd);
    const config = await readStackConfig(project, options.stack, options.configFile);
    const store = await StateStore.open(path.resolve(cwd, options.stateFile), project.name, options.stack, dryRun);
    const env = options.env ?? process.env;
    reporter.line(`${header(options.command)} (${project.name}/${options.stack}) with the local engine`);
    if (!dryRun && store.state.pendingOperations.length > 0) {
      for (const op of store.state.pendingOperations) {
        reporter.line(`  warning: the previous run was interrupted while ${op.operation} ${op.urn}${op.id ? ` (id ${op.id})` : ""}; check that it is not left behind`);
      }
      await store.clearPendingOperations();
    }

    // The program only connects after the deployment below exists.
    const current: { deployment?: Deployment } = {};
    const handler: MonitorHandler = {
      registerResource: (request) => current.deployment!.registerResource(request),
      registerResourceOutputs: (urn, outputs) => current.deployment!.registerResourceOutputs(urn, outputs),
      log: (severity, message, urn) => current.deployment!.log(severity, message, urn),
    };
    server = await startMonitorServer(handler);
    hosts = new HostPool({
      cwd: programLocation(project).pwd,
      env,
      engineAddress: server.address,
      config,
      project: project.name,
      stack: options.stack,
      write,
    });
    const stopProgram = new AbortController();
    const deployment = new Deployment({ project: project.name, stack: options.stack, dryRun, store, reporter, hosts, onFirstFailure: () => stopProgram.abort() });
    current.deployment = deployment;

    let ok: boolean;
    if (options.command === "up" || options.command === "preview") {
      const exitCode = await runProgram({ project, stack: options.stack, dryRun, config, monitorAddress: server.address, env, write, signal: stopProgram.signal });
      const programOk = exitCode === 0 && deployment.failures.length === 0;
      if (stopProgram.signal.aborted) reporter.line("  the program was stopped after the first failed step");
      else if (exitCode !== 0) reporter.line(`  the program exited with code ${exitCode}`);
      await deployment.finish(programOk);
      ok = programOk && deployment.failures.length === 0;
    } else if (options.command === "refresh") {
      await deployment.refresh();
      ok = deployment.failures.length === 0;
    } else {
      await deployment.destroy();
      ok = deployment.failures.length === 0;
    }
    await store.save();
    const outputs = dryRun ? (deployment.stackOutputs ?? store.state.outputs) : store.state.outputs;
    reporter.printOutputs(outputs);
    reporter.printCounts();
    if (!ok) reporter.line(`error: ${options.command} failed`);
    return { exitCode: ok ? 0 : 1, outputs, summary: reporter.summary() };
  } catch (error) {
    reporter.line(`error: ${messageOf(error)}`);
    return { exitCode: 1, outputs: {}, summary: reporter.summary() };
  } finally {
    await hosts?.stop();
    await server?.stop();
  }
}

function header(command: EngineCommand): string {
  return { up: "Updating", preview: "Previewing update", refresh: "Refreshing", destroy: "Destroying" }[command];
}
