import * as pulumi from "@pulumi/pulumi";
import { dvValidationShim } from "./providers";
import type { DvValidationOutputs } from "../provider/resources/dv-validation";
import type { Duration, OutputProperties, WarningPolicy } from "./types";

/** Inputs of a {@link DvValidation}. */
export interface DvValidationArgs {
  /** The enrollment to validate (`enrollment.enrollmentId`). */
  enrollmentId: pulumi.Input<number>;
  /** The challenge your records answer: `dns-01` (default) or `http-01`. */
  challengeType?: pulumi.Input<"dns-01" | "http-01">;
  /** dns-01: check that every TXT record is visible before telling CPS (default true). */
  propagationCheck?: pulumi.Input<boolean>;
  /** @deprecated use `propagationCheck` (same meaning; kept for one release). */
  checkPropagation?: pulumi.Input<boolean>;
  /** Resolvers for that check (`ip` or `ip:port`); default the provider's `dnsResolvers` setting, else the zone's authoritative servers. */
  dnsResolvers?: pulumi.Input<pulumi.Input<string>[]>;
  /** @deprecated use `dnsResolvers` (same meaning; kept for one release). */
  resolvers?: pulumi.Input<pulumi.Input<string>[]>;
  /** What to do with post-verification warnings (default `"fail"`). Can be changed later. */
  postVerificationWarnings?: pulumi.Input<WarningPolicy>;
  /** Bound on the DNS propagation check (default `10m`). */
  propagationTimeout?: pulumi.Input<Duration>;
  /** Bound on the whole wait (default `60m`). */
  timeout?: pulumi.Input<Duration>;
}

/**
 * Waits until the CA has validated every domain of the enrollment's pending DV change and the
 * certificate is issued. Declare it with `dependsOn` on your challenge records. It runs again when
 * CPS opens a new DV change (SAN change, renewal).
 *
 * ## Example usage
 * ```ts
 * const records = names.map(d => new cps.EdgeDnsTxtRecord(`acme-${d}`, { zone: "example.com",
 *   name: cert.dnsChallengeFor(d).recordName, values: [cert.dnsChallengeFor(d).value] }));
 * const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId, timeout: "60m" },
 *   { dependsOn: records });
 * ```
 */
// The outputs are declared once, by the provider (DvValidationOutputs), and merged into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface DvValidation extends OutputProperties<DvValidationOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DvValidation extends pulumi.dynamic.Resource {
  constructor(name: string, args: DvValidationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dvValidationShim,
      name,
      {
        ...args,
        __cpsName: name,
        // Every output but enrollmentId, which is an input too.
        ...({ changeId: undefined, status: undefined, validatedDomains: undefined, domainStatus: undefined } satisfies Record<Exclude<keyof DvValidationOutputs, "enrollmentId">, undefined>),
      },
      opts,
      "akamai-cps",
      "DvValidation",
    );
    if (args.checkPropagation !== undefined) void pulumi.log.warn("checkPropagation is deprecated: use propagationCheck (same meaning)", this);
    if (args.resolvers !== undefined) void pulumi.log.warn("resolvers is deprecated: use dnsResolvers (same meaning)", this);
  }
}

