import * as pulumi from "@pulumi/pulumi";
import { secureEdgeHostnameShim } from "./providers";
import type { SecureEdgeHostnameOutputs } from "../provider/resources/secure-edge-hostname";
import type { Duration, OutputProperties } from "./types";

/** Inputs of a {@link SecureEdgeHostname}. */
export interface SecureEdgeHostnameArgs {
  /** CPS contract id, e.g. `K-0N7RAK71` (PAPI's `ctr_` prefix is added when missing). */
  contractId: pulumi.Input<string>;
  /** Property Manager group id, e.g. `grp_12345`. */
  groupId: pulumi.Input<string>;
  /** Property Manager product id, e.g. `prd_Fresca` (Ion Standard) or `prd_SPM` (Ion Premier). */
  productId: pulumi.Input<string>;
  /** The enrollment whose certificate the edge hostname serves; required for `enhanced-tls`. */
  enrollmentId?: pulumi.Input<number>;
  /** The site name: `www.example.com` gives `www.example.com.edgekey.net`. */
  domainPrefix: pulumi.Input<string>;
  /** `enhanced-tls` (default, `edgekey.net`), `standard-tls` (`edgesuite.net`) or `shared-cert` (`akamaized.net`). */
  secureNetwork?: pulumi.Input<"enhanced-tls" | "standard-tls" | "shared-cert">;
  /** `IPV6_COMPLIANCE` (default: IPv4 and IPv6), `IPV4` or `IPV6_PERFORMANCE`. */
  ipVersionBehavior?: pulumi.Input<"IPV4" | "IPV6_COMPLIANCE" | "IPV6_PERFORMANCE">;
  /** Bound on waiting for the certificate on production and for the hostname to become active (default `30m`). */
  timeout?: pulumi.Input<Duration>;
  /**
   * Let `pulumi destroy` (or a replacement) delete it while the enrollment's certificate is live on
   * production. Default false: a destroy deletes the edge hostname before the `Deployment`, so
   * it refuses on its own, and nothing is deleted (docs/troubleshooting.md#delete-refused).
   */
  allowDeleteWhileDeployed?: pulumi.Input<boolean>;
}

/**
 * A secure edge hostname (`www.example.com.edgekey.net`): what a site's names CNAME to. Created with
 * the Property Manager API once the enrollment's certificate is on production (so it never gets an
 * unusable slot), then waited for until Akamai reports it active. Changing any input replaces it.
 * Akamai refuses to delete an edge hostname that an active property uses; the error says what to do.
 * While its certificate is live on production the delete refuses too, unless `allowDeleteWhileDeployed`.
 *
 * ## Example usage
 * ```ts
 * const edge = new cps.SecureEdgeHostname("www", { contractId, groupId: "grp_12345", productId: "prd_Fresca",
 *   enrollmentId: cert.enrollmentId, domainPrefix: "www.example.com" }, { dependsOn: deployment });
 * new cps.EdgeDnsCnameRecord("www", { zone: "example.com", name: "www.example.com", target: edge.edgeHostname });
 * ```
 */
// The outputs are declared once, by the provider (SecureEdgeHostnameOutputs), and merged into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface SecureEdgeHostname extends OutputProperties<SecureEdgeHostnameOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SecureEdgeHostname extends pulumi.dynamic.Resource {
  /** The enrollment behind it. */
  declare public readonly enrollmentId: pulumi.Output<number | undefined>;

  constructor(name: string, args: SecureEdgeHostnameArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      secureEdgeHostnameShim,
      name,
      {
        secureNetwork: "enhanced-tls",
        ipVersionBehavior: "IPV6_COMPLIANCE",
        ...args,
        __cpsName: name,
        ...({ edgeHostname: undefined, edgeHostnameId: undefined, domainSuffix: undefined, status: undefined } satisfies Record<keyof SecureEdgeHostnameOutputs, undefined>),
      },
      opts,
      "akamai-cps",
      "SecureEdgeHostname",
    );
  }
}
