import * as pulumi from "@pulumi/pulumi";
import { edgeDnsCnameRecordShim } from "./providers";
import type { EdgeDnsCnameRecordOutputs } from "../provider/resources/edge-dns-cname-record";
import type { OutputProperties } from "./types";

/** Inputs of an {@link EdgeDnsCnameRecord}. */
export interface EdgeDnsCnameRecordArgs {
  /** The Edge DNS zone, e.g. `example.com`. */
  zone: pulumi.Input<string>;
  /** Fully qualified name, e.g. `www.example.com` (not the zone apex). */
  name: pulumi.Input<string>;
  /** The target, e.g. a {@link SecureEdgeHostname}'s `edgeHostname`. */
  target: pulumi.Input<string>;
  /** Seconds, 30 to 86400 (default 300). */
  ttl?: pulumi.Input<number>;
  /**
   * The enrollment whose certificate the target edge hostname serves. With it, `pulumi destroy`
   * refuses to delete the CNAME while that certificate is live on production: a destroy deletes
   * the CNAME first, and the site would stop reaching the certificate (docs/troubleshooting.md#delete-refused).
   */
  enrollmentId?: pulumi.Input<number>;
  /** Let the delete go ahead while `enrollmentId`'s certificate is live on production (default false). */
  allowDeleteWhileDeployed?: pulumi.Input<boolean>;
}

/**
 * A CNAME record set in Akamai Edge DNS, on the same credentials as CPS: points a site's name at
 * its secure edge hostname.
 *
 * ## Example usage
 * ```ts
 * new cps.EdgeDnsCnameRecord("www", { zone: "example.com", name: "www.example.com", target: edge.edgeHostname, enrollmentId: cert.enrollmentId });
 * ```
 */
// The outputs (the record as stored) are declared once, by the provider (EdgeDnsCnameRecordOutputs),
// and merged into the class. They are the normalized inputs, so the constructor passes no placeholders;
// `allowDeleteWhileDeployed` stays an input only, as before.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface EdgeDnsCnameRecord extends OutputProperties<Omit<EdgeDnsCnameRecordOutputs, "allowDeleteWhileDeployed">> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class EdgeDnsCnameRecord extends pulumi.dynamic.Resource {
  constructor(name: string, args: EdgeDnsCnameRecordArgs, opts?: pulumi.CustomResourceOptions) {
    super(edgeDnsCnameRecordShim, name, { ttl: 300, ...args, __cpsName: name }, opts, "akamai-cps", "EdgeDnsCnameRecord");
  }
}
