/**
 * One dynamic-provider host per run, started on first use and configured with the whole stack
 * config (as the engine does since pulumi/pulumi#17229). Its console lines are forwarded with the
 * name of the resource being worked on when exactly one is in flight (else `[provider]`).
 */
import { startDynamicProviderHost, type DynamicProviderHost } from "./providerHost";
import type { StackConfig } from "./projectFiles";

export interface HostPoolOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  engineAddress: string;
  config: StackConfig;
  project: string;
  stack: string;
  write: (line: string) => void;
}

export class HostPool {
  private host: Promise<DynamicProviderHost> | undefined;
  private readonly inFlight = new Map<number, string>();
  private nextCall = 0;

  constructor(private readonly options: HostPoolOptions) {}

  /** Runs one provider call, attributing the host's output to `resourceName` meanwhile. */
  async run<T>(resourceName: string, call: (host: DynamicProviderHost) => Promise<T>): Promise<T> {
    const host = await this.get();
    const id = this.nextCall++;
    this.inFlight.set(id, resourceName);
    try {
      return await call(host);
    } finally {
      this.inFlight.delete(id);
    }
  }

  async stop(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    if (host) await host.then((h) => h.stop(), () => undefined);
  }

  private get(): Promise<DynamicProviderHost> {
    this.host ??= this.start();
    return this.host;
  }

  private async start(): Promise<DynamicProviderHost> {
    const { cwd, env, engineAddress, config, project, stack, write } = this.options;
    const host = await startDynamicProviderHost({
      cwd,
      engineAddress,
      // The host's `Config` resolves un-namespaced keys against the project name.
      env: { ...env, PULUMI_NODEJS_PROJECT: project, PULUMI_NODEJS_STACK: stack },
      onOutput: (_stream, line) => write(`    [${this.currentResource()}] ${line}`),
    });
    try {
      await host.configure(config);
    } catch (error) {
      await host.stop();
      throw error;
    }
    return host;
  }

  private currentResource(): string {
    const names = new Set(this.inFlight.values());
    return names.size === 1 ? [...names][0]! : "provider";
  }
}
