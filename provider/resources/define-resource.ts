/**
 * One adapter between the dynamic-provider host and a resource's typed operations. What the host
 * passes is a property bag (the SDK's args with `__cpsName`/`__cpsStack`, or state written by any
 * earlier version of this package); `defineResource` does, once for every resource:
 *
 * - configure (stack settings, never resource inputs) and check (zod, one failure per property,
 *   dates already past, the provider settings);
 * - input parsing (deprecated names mapped), so operations receive the parsed inputs;
 * - the `ResourceContext`: the shared client (looked up lazily: a resource that never calls CPS,
 *   like AcmeOrder, needs no Akamai credentials), progress lines named after the resource, the clock
 *   and the settings;
 * - the account-budget bound of each operation (budget-bounds.ts) and the explanation appended to
 *   an error (error-hints.ts).
 *
 * Operations take the context as their first argument, so a test builds one around a fake CpsApi
 * (test/support/fake-cps.ts) and calls them without module globals or the engine.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { CpsApi } from "../cps";
import type { TxtLookup } from "../lifecycle/dns-propagation";
import type { Progress } from "../lifecycle/progress";
import { withBudgetBounds } from "./budget-bounds";
import { checkWith, parseInputs, progressOf } from "./check";
import { holderOf, hintFor, needsHolderLookup } from "./error-hints";
import { PartialStateError } from "./partial-state";
import { configureFrom, currentSettings, getClient, type ProviderSettings, settingsProblem, txtLookup } from "./provider-config";
import { closedWindowFailures } from "./strict-inputs";
import { hasUnknowns } from "./unknowns";

/**
 * A property bag as the engine passes it: typed by what the SDK sends (or what this provider stored),
 * partial because state written by an older version, or imported through `read`, may lack fields,
 * and open because the SDK adds internal keys. Inputs are parsed before use; state fields are read
 * with a fallback for each missing one.
 */
export type Bag<T> = Partial<T> & Record<string, unknown>;

/**
 * Inputs as the engine passes them to check, diff, create and update: the SDK's args by name, but
 * of any type until `check` has refused the wrong ones (a program in JavaScript, a stack config
 * value, an unknown during preview), plus the SDK's internal keys.
 */
export type Given<T> = { [K in keyof T]?: unknown } & Record<string, unknown>;

/** State as an operation writes it: the inputs (and internal keys) kept as given, and every output `O`. */
export type Stored<Schema extends z.ZodType, O> = Given<z.input<Schema>> & O;

/** State as an operation reads it: what `Stored` wrote, each output possibly missing (see `Bag`). */
export type State<Schema extends z.ZodType, O> = Given<z.input<Schema>> & Partial<O>;

/** What every operation of every resource needs, injected (tests pass their own). */
export interface ResourceContext {
  /** The CPS (and Edge DNS, PAPI) operations on the stack's credentials. */
  readonly cps: CpsApi;
  /** Progress lines for this resource (`[cps] <name>: …`). */
  readonly progress: Progress;
  /** The clock (ms since the epoch). */
  now(): number;
  /** The provider settings in effect (stack config, then environment). */
  readonly settings: ProviderSettings;
  /** Where DNS propagation checks look (the given resolvers, else the dnsResolvers setting, else the zone's authoritative servers). */
  txtLookup(resolvers?: readonly string[]): TxtLookup;
}

/** The context of one operation inside the dynamic-provider host: the shared client of the current settings. */
export function hostContext(props: Record<string, unknown>, name: string): ResourceContext {
  return {
    get cps(): CpsApi {
      return getClient();
    },
    progress: progressOf(props, name),
    now: Date.now,
    get settings(): ProviderSettings {
      return currentSettings();
    },
    txtLookup,
  };
}

/** The operations of one resource over its parsed inputs and its outputs `O` (stored beside the inputs). */
export interface ResourceDefinition<Schema extends z.ZodType, O extends object> {
  /** The name progress lines use when the SDK passed none (`__cpsName`). */
  name: string;
  /** The inputs' schema: check and every operation parse with it. */
  inputs: Schema;
  /**
   * The plan while some inputs are unknown (preview, before the resources they come from exist):
   * parsing would fail, so the resource says what may change. Default: an update, no replacement.
   */
  diffUnknown?(news: Given<z.input<Schema>>): pulumi.dynamic.DiffResult;
  diff(ctx: ResourceContext, req: { id: string; olds: State<Schema, O>; news: z.output<Schema>; raw: Given<z.input<Schema>> }): Promise<pulumi.dynamic.DiffResult>;
  create(ctx: ResourceContext, req: { inputs: z.output<Schema>; raw: Given<z.input<Schema>> }): Promise<{ id: string; outs: Stored<Schema, O> }>;
  /** The outputs may carry state over (`{ ...olds, ...news }`), so they are as complete as the state was. */
  update(ctx: ResourceContext, req: { id: string; olds: State<Schema, O>; news: z.output<Schema>; raw: Given<z.input<Schema>> }): Promise<{ outs: State<Schema, O> }>;
  /** `{ id: "" }` when the resource is gone. */
  read(ctx: ResourceContext, req: { id: string; props: State<Schema, O> }): Promise<{ id: string; props: State<Schema, O> }>;
  delete(ctx: ResourceContext, req: { id: string; props: State<Schema, O> }): Promise<void>;
}

/** What the host calls: the dynamic provider, typed by what the SDK sends and what is stored. */
export type DefinedProvider<Schema extends z.ZodType, O extends object> = Required<
  Pick<pulumi.dynamic.ResourceProvider<Given<z.input<Schema>>, Given<State<Schema, O>>>, "configure" | "check" | "diff" | "create" | "read" | "update" | "delete">
> & {
  /** The typed operations, for tests that inject a context. */
  readonly definition: ResourceDefinition<Schema, O>;
};

/**
 * State as this provider wrote it. The one place state is typed: every version of this package
 * wrote these keys with these types (outputs are only ever added), so a key is either missing
 * (older state, an import through `read`) or of its declared type; `State` makes each output
 * optional for the operations to default.
 */
function stored<Schema extends z.ZodType, O>(props: Record<string, unknown>): State<Schema, O> {
  return props as State<Schema, O>;
}

/** The error with what to do about it appended (see error-hints.ts); partial-state errors have it already. */
async function explained(e: unknown, props: Record<string, unknown>, ctx: ResourceContext): Promise<unknown> {
  if (!(e instanceof Error) || e instanceof PartialStateError) return e;
  let holder: number | undefined;
  if (needsHolderLookup(e) && typeof props.contractId === "string" && typeof props.commonName === "string") {
    const { contractId, commonName } = props;
    holder = await Promise.resolve()
      .then(() => holderOf(ctx.cps, contractId, commonName))
      .catch(() => undefined);
  }
  const hint = hintFor(e, holder !== undefined ? { holder } : {});
  if (hint) e.message += hint;
  return e;
}

/**
 * The dynamic provider of a resource. `context` builds the context of each operation (default: the
 * host's shared client and progress sink); tests pass their own.
 */
export function defineResource<Schema extends z.ZodType, O extends object>(
  definition: ResourceDefinition<Schema, O>,
  context: (props: Record<string, unknown>, name: string) => ResourceContext = hostContext,
): DefinedProvider<Schema, O> {
  type In = Given<z.input<Schema>>;
  type Op = "create" | "update" | "delete" | "read";
  type Old = Given<State<Schema, O>>;
  const state = (props: Record<string, unknown>): State<Schema, O> => stored<Schema, O>(props);
  const run = async <T>(props: Record<string, unknown>, op: Op, fn: (ctx: ResourceContext) => Promise<T>): Promise<T> => {
    const ctx = context(props, definition.name);
    try {
      return await withBudgetBounds(props, op, () => fn(ctx), () => ctx.cps.requestsPerMinute);
    } catch (e) {
      throw await explained(e, props, ctx);
    }
  };
  const parse = (props: In): z.output<Schema> => parseInputs(definition.inputs, props);
  return {
    definition,
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      configureFrom(req.config);
    },
    async check(olds: In, news: In): Promise<pulumi.dynamic.CheckResult<In>> {
      // The host configures a provider once and caches it even when configure threw: every
      // resource's check refuses a bad setting, so none is created with it.
      settingsProblem();
      const checked = checkWith(definition.inputs, news);
      // Dates the API would refuse because they are already past (only those the user just wrote).
      const late = closedWindowFailures(olds, news).filter((f) => !checked.failures.some((g) => g.property === f.property));
      return { inputs: news, failures: late.length > 0 ? [...checked.failures, ...late] : checked.failures };
    },
    diff: (id: string, olds: Old, news: In) =>
      run(news, "read", async (ctx) => {
        if (hasUnknowns(news)) return definition.diffUnknown?.(news) ?? { changes: true, replaces: [] };
        return definition.diff(ctx, { id, olds: state(olds), news: parse(news), raw: news });
      }),
    create: (inputs: In) => run(inputs, "create", (ctx) => definition.create(ctx, { inputs: parse(inputs), raw: inputs })),
    update: (id: string, olds: Old, news: In) => run(news, "update", (ctx) => definition.update(ctx, { id, olds: state(olds), news: parse(news), raw: news })),
    read: (id: string, props?: Old) => run(props ?? {}, "read", (ctx) => definition.read(ctx, { id, props: state(props ?? {}) })),
    delete: (id: string, props: Old) => run(props, "delete", (ctx) => definition.delete(ctx, { id, props: state(props) })),
  };
}
