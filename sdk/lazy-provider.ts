/**
 * The provider object that `pulumi.dynamic.Resource` serializes into state. It must stay tiny, hold
 * no credentials, and load the implementation from the *installed* package at run time, so that the
 * state carries a few hundred bytes and upgrading the package upgrades behaviour. Each method
 * `require`s `pulumi-akamai-cps/provider/resources/<file>` inside the dynamic-provider host.
 *
 * Do not import provider code into this file: anything referenced here would be serialized by value.
 */
import type * as pulumi from "@pulumi/pulumi";

type Impl = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> &
  Pick<pulumi.dynamic.ResourceProvider, "configure">;

/** Build the serializable shim for `exportName` of `provider/resources/<file>`. */
export function lazyProvider(file: string, exportName: string): pulumi.dynamic.ResourceProvider {
  const load = (): Impl => require(`pulumi-akamai-cps/provider/resources/${file}`)[exportName];
  return {
    configure: (req) => load().configure?.(req) ?? Promise.resolve(),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}
