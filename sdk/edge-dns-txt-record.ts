import * as pulumi from "@pulumi/pulumi";
import { edgeDnsTxtRecordShim } from "./providers";

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
export class EdgeDnsTxtRecord extends pulumi.dynamic.Resource {
  /** The Edge DNS zone. */
  declare public readonly zone: pulumi.Output<string>;
  /** The record's fully qualified name. */
  declare public readonly name: pulumi.Output<string>;
  /** The TXT values, unquoted. */
  declare public readonly values: pulumi.Output<string[]>;
  /** Time to live, in seconds. */
  declare public readonly ttl: pulumi.Output<number>;

  constructor(name: string, args: EdgeDnsTxtRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(edgeDnsTxtRecordShim, name, { ttl: 60, ...args, __cpsName: name }, opts, "akamai-cps", "EdgeDnsTxtRecord");
  }
}

