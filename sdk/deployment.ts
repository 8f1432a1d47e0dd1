import * as pulumi from "@pulumi/pulumi";
import { deploymentShim } from "./providers";
import type { DeploymentOutputs } from "../provider/resources/deployment";
import type { DeploymentSchedule, Duration, OutputProperties, WarningPolicy } from "./types";

/** Inputs of a {@link Deployment}. */
export interface DeploymentArgs {
  /** The enrollment whose certificate to wait for. */
  enrollmentId: pulumi.Input<number>;
  /** Wait until the certificate is on `production` (default) or only on `staging`. */
  network?: pulumi.Input<"staging" | "production">;
  /** With change management on: acknowledge (with the validation result hash) and push to production. Default false. */
  acknowledgeChangeManagement?: pulumi.Input<boolean>;
  /** Post-verification warnings met while deploying (default `"fail"`). */
  postVerificationWarnings?: pulumi.Input<WarningPolicy>;
  /** Deployment window applied to the pending change. */
  deploymentSchedule?: pulumi.Input<DeploymentSchedule>;
  /** After deploying, a TLS handshake with SNI that checks chain, hostname and expiry. `servername` defaults to the CN. */
  verify?: pulumi.Input<{
    /** The edge host to connect to. */
    host: string;
    /** TCP port (default 443). */
    port?: number;
    /** SNI name sent and checked (default the common name). */
    servername?: string;
    /** Trust anchor (PEM) for the chain check; default the system's CAs. */
    caCertPem?: string;
  }>;
  /** Bound on the wait (default `60m`). */
  timeout?: pulumi.Input<Duration>;
  /**
   * Allow deleting this Deployment while the enrollment's certificate is live on production. Default false:
   * a destroy then refuses here, before the DNS records and the DvValidation are deleted. Set it together
   * with the Enrollment's `allowDeleteWhileDeployed`.
   */
  allowDeleteWhileDeployed?: pulumi.Input<boolean>;
}

/**
 * Waits until the enrollment's certificate is deployed on the requested network and exposes what is deployed.
 *
 * ## Example usage
 * ```ts
 * const deployment = new cps.Deployment("www", { enrollmentId: cert.enrollmentId, network: "production",
 *   acknowledgeChangeManagement: true }, { dependsOn: validation });
 * export const serial = deployment.production.apply(p => p?.serialNumber);
 * ```
 */
// The outputs are declared once, by the provider (DeploymentOutputs), and merged into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Deployment extends OutputProperties<DeploymentOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Deployment extends pulumi.dynamic.Resource {
  /** The enrollment deployed. */
  declare public readonly enrollmentId: pulumi.Output<number>;
  /** The network waited for: `staging` or `production`. */
  declare public readonly network: pulumi.Output<"staging" | "production">;

  constructor(name: string, args: DeploymentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      deploymentShim,
      name,
      {
        network: "production",
        ...args,
        __cpsName: name,
        ...({ changeId: undefined, staging: undefined, production: undefined, verification: undefined, enrollment: undefined } satisfies Record<keyof DeploymentOutputs, undefined>),
      },
      opts,
      "akamai-cps",
      "Deployment",
    );
  }
}

