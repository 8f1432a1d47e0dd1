import * as pulumi from "@pulumi/pulumi";
import { edgeDnsTxtRecordShim } from "./providers";
import type { EdgeDnsTxtRecordOutputs } from "../provider/resources/edge-dns-txt-record";
import type { OutputProperties } from "./types";

/** Inputs of an {@link EdgeDnsTxtRecord}. */
export interface EdgeDnsTxtRecordArgs {
  /** The Edge DNS zone, e.g. `example.com`. */
  zone: pulumi.Input<string>;
  /** Fully qualified name, e.g. `_acme-challenge.www.example.com` (a trailing dot is accepted). */
  name: pulumi.Input<string>;
  /** TXT values, unquoted. */
  values: pulumi.Input<pulumi.Input<string>[]>;
  /** Seconds, 30 to 86400 (default 60). */
  ttl?: pulumi.Input<number>;
}

/**
 * A TXT record set in Akamai Edge DNS, using the same credentials as CPS: the natural home of
 * `_acme-challenge` records for Akamai users.
 *
 * ## Example usage
 * ```ts
 * new cps.EdgeDnsTxtRecord(`acme-${d}`, { zone: "example.com",
 *   name: cert.dnsChallenges.apply(c => c[d].recordName), values: [cert.dnsChallenges.apply(c => c[d].value)] });
 * ```
 */
// The outputs (the record as stored) are declared once, by the provider (EdgeDnsTxtRecordOutputs),
// and merged into the class. They are the normalized inputs, so the constructor passes no placeholders.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface EdgeDnsTxtRecord extends OutputProperties<EdgeDnsTxtRecordOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class EdgeDnsTxtRecord extends pulumi.dynamic.Resource {
  constructor(name: string, args: EdgeDnsTxtRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(edgeDnsTxtRecordShim, name, { ttl: 60, ...args, __cpsName: name }, opts, "akamai-cps", "EdgeDnsTxtRecord");
  }
}

