/**
 * Deprecated input names (issue #17: one name per concept across resources). A resource's schema
 * registers its old spellings here; check, parse and diff map an old name to the current one, so a
 * stack written with the old name keeps working and shows no diff, and giving both names is a
 * check failure naming the old property. Kept for one release, then the old names go.
 */
import type { z } from "zod";
import type { CheckFailure } from "./check-failures";
import { sameValue } from "./same-value";

type Props = Record<string, unknown>;

/** Old name → current name, per schema. */
const aliasesOf = new WeakMap<z.ZodType, Readonly<Record<string, string>>>();

/** Register `aliases` (old name → current name) as deprecated spellings of `schema`'s inputs. */
export function withDeprecatedNames<S extends z.ZodType>(schema: S, aliases: Readonly<Record<string, string>>): S {
  aliasesOf.set(schema, aliases);
  return schema;
}

/** The deprecated names of `schema`'s inputs (old name → current name). */
export function deprecatedNames(schema: z.ZodType): Readonly<Record<string, string>> {
  return aliasesOf.get(schema) ?? {};
}

/**
 * `props` with every deprecated name moved to its current name, and a failure for each input given
 * under both names. Values and other keys are untouched.
 */
export function canonicalInputs(schema: z.ZodType, props: Props): { props: Props; failures: CheckFailure[]; givenAs: Record<string, string> } {
  const aliases = deprecatedNames(schema);
  const failures: CheckFailure[] = [];
  const givenAs: Record<string, string> = {};
  let out = props;
  for (const [old, current] of Object.entries(aliases)) {
    if (props[old] === undefined) continue;
    if (out === props) out = { ...props };
    if (props[current] !== undefined) {
      failures.push({ property: old, reason: `is the deprecated name of \`${current}\`, which is also given: give only \`${current}\`` });
    } else {
      out[current] = props[old];
      givenAs[current] = old;
    }
    delete out[old];
  }
  return { props: out, failures, givenAs };
}

/** A failure found under an input's current name, reported under the (deprecated) name the program used. */
export function asGiven(failure: CheckFailure, givenAs: Readonly<Record<string, string>>): CheckFailure {
  for (const [current, old] of Object.entries(givenAs)) {
    if (failure.property === current || failure.property.startsWith(current + ".") || failure.property.startsWith(current + "[")) {
      return { ...failure, property: old + failure.property.slice(current.length) };
    }
  }
  return failure;
}

/**
 * The inputs among `keys` whose value differs between state (`olds`) and the program (`news`),
 * compared under their current names: switching from a deprecated name to the current one (or
 * back) with the same value is no change.
 */
export function changedInputs(schema: z.ZodType, olds: Props, news: Props, keys: readonly string[]): string[] {
  const before = canonicalInputs(schema, olds).props;
  const after = canonicalInputs(schema, news).props;
  return keys.filter((k) => !sameValue(before[k], after[k]));
}
