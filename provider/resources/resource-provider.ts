/**
 * What every resource provider shares: `configure` takes the stack configuration (credentials and
 * endpoints, never resource inputs), and `check` parses the inputs with the resource's zod schema.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { checkWith } from "./check";
import { configureFrom } from "./provider-config";
import { withBudgetBounds } from "./budget-bounds";

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
      return checkWith(inputs, news);
    },
    ...operations,
    diff: (id: string, olds: Props, news: Props) => withBudgetBounds(news, "read", () => operations.diff(id, olds, news)),
    read: (id: string, props: Props) => withBudgetBounds(props, "read", () => operations.read(id, props)),
    create: (inputs: Props) => withBudgetBounds(inputs, "create", () => operations.create(inputs)),
    update: (id: string, olds: Props, news: Props) => withBudgetBounds(news, "update", () => operations.update(id, olds, news)),
    delete: (id: string, props: Props) => withBudgetBounds(props, "delete", () => operations.delete(id, props)),
  };
}
