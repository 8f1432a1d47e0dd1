import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { AcmeCertificateOutputs } from "../provider/resources/acme-certificate";
import type { AcmeOrderOutputs } from "../provider/resources/acme-order";
import type { Duration, OutputProperties } from "./types";

/** Inputs of an {@link AcmeOrder}. */
export interface AcmeOrderArgs {
  /** The CSR to have signed, e.g. `enrollment.csrs.apply(c => c.rsa!)`. A new CSR (a CPS renewal) opens a new order. */
  csrPem: pulumi.Input<string>;
  /** ACME directory, e.g. `https://acme-v02.api.letsencrypt.org/directory`. */
  directoryUrl: pulumi.Input<string>;
  /** Account contact. */
  email?: pulumi.Input<string>;
  /** External Account Binding (Sectigo, ZeroSSL, Google Trust Services): key id and base64url HMAC key. */
  eab?: pulumi.Input<{
    /** The EAB key id the CA gave you. */
    kid: pulumi.Input<string>;
    /** The EAB HMAC key (base64url). */
    hmacKey: pulumi.Input<string>;
  }>;
  /** ACME account key (PEM). Generated and kept as a secret output when absent. */
  accountKeyPem?: pulumi.Input<string>;
  /** Extra CA (PEM) to trust for the directory's HTTPS, e.g. a local pebble's. */
  caCertPem?: pulumi.Input<string>;
  /** Only `"dns-01"`. */
  challengeType?: pulumi.Input<"dns-01">;
}

/**
 * Opens an ACME order for the names in a CSR and outputs the dns-01 TXT records to publish, keyed
 * by domain. It creates no DNS records: declare them in the program (EdgeDnsTxtRecord or any DNS
 * provider), then pass them to an {@link AcmeCertificate}.
 *
 * ## Example usage
 * ```ts
 * const order = new cps.AcmeOrder("shop-rsa", { csrPem: enrollment.csrs.apply(c => c.rsa!),
 *   directoryUrl: "https://acme-v02.api.letsencrypt.org/directory", email: "pki@example.com" });
 * const records = names.map(d => new cps.EdgeDnsTxtRecord(`acme-${d}`, { zone: "example.com",
 *   name: `_acme-challenge.${d}`, values: [order.dnsChallenges.apply(c => c[d].value)] }));
 * ```
 */
// The outputs are declared once, by the provider (AcmeOrderOutputs), and merged into the class;
// `accountKeyGenerated` is the provider's own bookkeeping, not an output users read.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AcmeOrder extends OutputProperties<Omit<AcmeOrderOutputs, "accountKeyGenerated">> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AcmeOrder extends pulumi.dynamic.Resource {
  /** The CSR the order is for (PEM). */
  declare public readonly csrPem: pulumi.Output<string>;
  /** The ACME directory. */
  declare public readonly directoryUrl: pulumi.Output<string>;
  /** The extra CA trusted for the directory's HTTPS, if any. */
  declare public readonly caCertPem: pulumi.Output<string | undefined>;

  constructor(name: string, args: AcmeOrderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      orderShim(),
      name,
      {
        challengeType: "dns-01",
        ...args,
        __cpsName: name,
        accountKeyPem: args.accountKeyPem,
        ...({
          accountKeyGenerated: undefined,
          accountUrl: undefined,
          orderUrl: undefined,
          status: undefined,
          orderStatus: undefined,
          expires: undefined,
          domains: undefined,
          dnsChallenges: undefined,
        } satisfies Record<Exclude<keyof AcmeOrderOutputs, "accountKeyPem">, undefined>),
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "accountKeyPem", "eab"] },
      "akamai-cps",
      "AcmeOrder",
    );
  }
}

/** Inputs of an {@link AcmeCertificate}. */
export interface AcmeCertificateArgs {
  /** The order to finish. A new order (new CSR, or one replacing a failed order) issues a new certificate. */
  order: AcmeOrder;
  /** The resources that publish `order.dnsChallenges`: the certificate waits for them. */
  dnsRecords?: pulumi.CustomResource[];
  /** Check that the TXT values are visible before asking the CA to validate (default true). */
  propagationCheck?: pulumi.Input<boolean>;
  /** Resolvers for that check (`host` or `host:port`); default the provider's `dnsResolvers` config, else authoritative servers. */
  dnsResolvers?: pulumi.Input<pulumi.Input<string>[]>;
  /** Bound on waiting for the records (default `10m`). */
  propagationTimeout?: pulumi.Input<Duration>;
  /** Bound on validation and issuance (default `10m`). */
  timeout?: pulumi.Input<Duration>;
}

/**
 * Validates an {@link AcmeOrder} through the published records, finalizes it with the CSR and outputs the certificate and chain.
 *
 * ## Example usage
 * ```ts
 * const cert = new cps.AcmeCertificate("shop-rsa", { order, dnsRecords: records });
 * new cps.CertificateUpload("shop", { enrollmentId: enrollment.enrollmentId, csrFingerprints: enrollment.csrFingerprints,
 *   certificates: [{ keyAlgorithm: "RSA", certificatePem: cert.certificatePem, trustChainPem: cert.trustChainPem }] });
 * ```
 */
// The outputs are declared once, by the provider (AcmeCertificateOutputs), and merged into the class.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface AcmeCertificate extends OutputProperties<AcmeCertificateOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AcmeCertificate extends pulumi.dynamic.Resource {
  constructor(name: string, args: AcmeCertificateArgs, opts?: pulumi.CustomResourceOptions) {
    const { order, dnsRecords, ...settings } = args;
    super(
      certificateShim(),
      name,
      {
        ...settings,
        orderUrl: order.orderUrl,
        accountUrl: order.accountUrl,
        accountKeyPem: order.accountKeyPem,
        directoryUrl: order.directoryUrl,
        csrPem: order.csrPem,
        caCertPem: order.caCertPem,
        publishedRecords: (dnsRecords ?? []).map((r) => r.id),
        __cpsName: name,
        ...({
          certificatePem: undefined,
          trustChainPem: undefined,
          fullChainPem: undefined,
          keyAlgorithm: undefined,
          serialNumber: undefined,
          notBefore: undefined,
          notAfter: undefined,
          subjectAltNames: undefined,
          issuer: undefined,
          publicKeyFingerprint: undefined,
        } satisfies Record<keyof AcmeCertificateOutputs, undefined>),
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "accountKeyPem"] },
      "akamai-cps",
      "AcmeCertificate",
    );
  }
}

let orderProvider: pulumi.dynamic.ResourceProvider | undefined;
function orderShim(): pulumi.dynamic.ResourceProvider {
  return (orderProvider ??= lazyProvider("acme-order", "acmeOrderProvider"));
}
let certificateProvider: pulumi.dynamic.ResourceProvider | undefined;
function certificateShim(): pulumi.dynamic.ResourceProvider {
  return (certificateProvider ??= lazyProvider("acme-certificate", "acmeCertificateProvider"));
}
