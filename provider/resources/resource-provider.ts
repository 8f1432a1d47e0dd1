/**
 * What every resource provider shares: `configure` takes the stack configuration (credentials and
 * endpoints, never resource inputs), and `check` parses the inputs with the resource's zod schema.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { checkWith } from "./check";
import { configureFrom, settingsProblem } from "./provider-config";

type Props = Record<string, unknown>;

export interface ResourceOperations {
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult>;
  update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
  read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  delete(id: string, props: Props): Promise<void>;
}

export function resourceProvider<O extends ResourceOperations>(inputs: z.ZodType, operations: O) {
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      configureFrom(req.config);
    },
    async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
      // The host configures a provider once and caches it even when configure threw: every
      // resource's check refuses a bad setting, so none is created with it.
      settingsProblem();
      return checkWith(inputs, news);
    },
    ...operations,
  };
}
