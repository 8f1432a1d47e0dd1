/**
 * What every resource provider shares: `configure` takes the stack configuration (credentials and
 * endpoints, never resource inputs), and `check` parses the inputs with the resource's zod schema.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { checkWith } from "./check";
import { closedWindowFailures } from "./strict-inputs";
import { holderOf, hintFor, needsHolderLookup } from "./error-hints";
import { PartialStateError } from "./partial-state";
import { configureFrom, getClient, settingsProblem } from "./provider-config";
import { withBudgetBounds } from "./budget-bounds";

type Props = Record<string, unknown>;

export interface ResourceOperations {
  diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Props): Promise<pulumi.dynamic.CreateResult>;
  update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult>;
  read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult>;
  delete(id: string, props: Props): Promise<void>;
}

/** The error with what to do about it appended (see error-hints.ts); partial-state errors have it already. */
async function explained(e: unknown, props: Props): Promise<unknown> {
  if (!(e instanceof Error) || e instanceof PartialStateError) return e;
  let holder: number | undefined;
  if (needsHolderLookup(e) && typeof props.contractId === "string" && typeof props.commonName === "string") {
    holder = await holderOf(getClient(), props.contractId, props.commonName).catch(() => undefined);
  }
  const hint = hintFor(e, holder !== undefined ? { holder } : {});
  if (hint) e.message += hint;
  return e;
}

export function resourceProvider<O extends ResourceOperations>(inputs: z.ZodType, operations: O) {
  const explain = async <T>(props: Props, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (e) {
      throw await explained(e, props);
    }
  };
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      configureFrom(req.config);
    },
    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
      // The host configures a provider once and caches it even when configure threw: every
      // resource's check refuses a bad setting, so none is created with it.
      settingsProblem();
      const checked = checkWith(inputs, news);
      // Dates the API would refuse because they are already past (only those the user just wrote).
      const late = closedWindowFailures(olds, news).filter((f) => !checked.failures.some((g) => g.property === f.property));
      return late.length > 0 ? { ...checked, failures: [...checked.failures, ...late] } : checked;
    },
    ...operations,
    diff: (id: string, olds: Props, news: Props) => explain(news, () => withBudgetBounds(news, "read", () => operations.diff(id, olds, news))),
    read: (id: string, props: Props) => explain(props, () => withBudgetBounds(props, "read", () => operations.read(id, props))),
    create: (inputs: Props) => explain(inputs, () => withBudgetBounds(inputs, "create", () => operations.create(inputs))),
    update: (id: string, olds: Props, news: Props) => explain(news, () => withBudgetBounds(news, "update", () => operations.update(id, olds, news))),
    delete: (id: string, props: Props) => explain(props, () => withBudgetBounds(props, "delete", () => operations.delete(id, props))),
  };
}
