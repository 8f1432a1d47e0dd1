import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { DnsChallenge, Duration } from "./types";

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
export class AcmeOrder extends pulumi.dynamic.Resource {
  /** The CSR the order is for (PEM). */
  declare public readonly csrPem: pulumi.Output<string>;
  /** The ACME directory. */
  declare public readonly directoryUrl: pulumi.Output<string>;
  /** The extra CA trusted for the directory's HTTPS, if any. */
  declare public readonly caCertPem: pulumi.Output<string | undefined>;
  /** The account key (secret). */
  declare public readonly accountKeyPem: pulumi.Output<string>;
  /** The ACME account's URL at the CA. */
  declare public readonly accountUrl: pulumi.Output<string>;
  /** The order's URL at the CA. */
  declare public readonly orderUrl: pulumi.Output<string>;
  /** The ACME order's status: `pending`, `ready`, `processing`, `valid` or `invalid`. */
  declare public readonly status: pulumi.Output<string>;
  /** @deprecated use `status` (same value; kept for one release). */
  declare public readonly orderStatus: pulumi.Output<string>;
  /** When the CA lets the order expire (ISO 8601). */
  declare public readonly expires: pulumi.Output<string | null>;
  /** Names from the CSR, CN first. */
  declare public readonly domains: pulumi.Output<string[]>;
  /** TXT record per domain (`*.example.com` and `example.com` share one record name: publish both values). */
  declare public readonly dnsChallenges: pulumi.Output<Record<string, DnsChallenge>>;

  constructor(name: string, args: AcmeOrderArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      orderShim(),
      name,
      {
        challengeType: "dns-01",
        ...args,
        __cpsName: name,
        accountKeyPem: args.accountKeyPem,
        accountKeyGenerated: undefined,
        accountUrl: undefined,
        orderUrl: undefined,
        status: undefined,
        orderStatus: undefined,
        expires: undefined,
        domains: undefined,
        dnsChallenges: undefined,
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
export class AcmeCertificate extends pulumi.dynamic.Resource {
  /** The leaf certificate (PEM). */
  declare public readonly certificatePem: pulumi.Output<string>;
  /** The intermediates (PEM), the leaf's issuer first. */
  declare public readonly trustChainPem: pulumi.Output<string>;
  /** Leaf and intermediates. */
  declare public readonly fullChainPem: pulumi.Output<string>;
  /** The certificate's key algorithm, as `CertificateUpload`'s `keyAlgorithm` takes it. */
  declare public readonly keyAlgorithm: pulumi.Output<"RSA" | "ECDSA">;
  /** Serial number (hex). */
  declare public readonly serialNumber: pulumi.Output<string>;
  /** Start of validity (ISO 8601). */
  declare public readonly notBefore: pulumi.Output<string>;
  /** End of validity (ISO 8601). */
  declare public readonly notAfter: pulumi.Output<string>;
  /** The names the certificate covers. */
  declare public readonly subjectAltNames: pulumi.Output<string[]>;
  /** The issuer's distinguished name. */
  declare public readonly issuer: pulumi.Output<string>;
  /** Hex SHA-256 of the public key (compare with `Enrollment.csrFingerprints`). */
  declare public readonly publicKeyFingerprint: pulumi.Output<string>;

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
