import * as pulumi from "@pulumi/pulumi";
import { lazyProvider } from "./lazy-provider";
import type { CertificateUploadOutputs, NetworkCertificates } from "../provider/resources/certificate-upload";
import type { CertificateSummary } from "../provider/resources/pem";
import type { Duration, OutputProperties, WarningPolicy } from "./types";

export type { CertificateSummary, NetworkCertificates };

/** One certificate per key algorithm. */
export interface ThirdPartyCertificate {
  /** The certificate's key algorithm: `RSA` or `ECDSA` (one certificate per algorithm). */
  keyAlgorithm: pulumi.Input<"RSA" | "ECDSA">;
  /** The leaf certificate only (PEM), e.g. AcmeCertificate.certificatePem. */
  certificatePem: pulumi.Input<string>;
  /** Intermediates, the leaf's issuer first (PEM, concatenated), e.g. AcmeCertificate.trustChainPem. Optional. */
  trustChainPem?: pulumi.Input<string>;
}

/** Inputs of a {@link CertificateUpload}. */
export interface CertificateUploadArgs {
  /** The third-party enrollment (Enrollment.enrollmentId). Changing it replaces the resource. */
  enrollmentId: pulumi.Input<number>;
  /** One or two certificates (RSA and/or ECDSA), each issued from the enrollment's CSR for that algorithm. */
  certificates: pulumi.Input<pulumi.Input<ThirdPartyCertificate>[]>;
  /** Post-verification warnings: `"fail"` (default), `"acknowledge-all"`, or warning IDs to accept. Unknown warning text fails. */
  postVerificationWarnings?: pulumi.Input<WarningPolicy>;
  /** With change management on: acknowledge (with the validation result hash) and push to production. Default false. */
  acknowledgeChangeManagement?: pulumi.Input<boolean>;
  /** How far to follow the change: `"none"` (verified), `"staging"`, or `"production"` (default). */
  waitForDeployment?: pulumi.Input<"none" | "staging" | "production">;
  /** Enrollment.csrFingerprints: lets `preview` reject a certificate for the wrong key before any API call. */
  csrFingerprints?: pulumi.Input<{
    /** SHA-256 of the RSA CSR's public key (hex). */
    rsa?: string;
    /** SHA-256 of the ECDSA CSR's public key (hex). */
    ecdsa?: string;
  }>;
  /** Names the certificate must cover (e.g. Enrollment.domains), checked in `preview`. */
  expectedSans?: pulumi.Input<pulumi.Input<string>[]>;
  /** Bound on the waits (default `60m`). */
  timeout?: pulumi.Input<Duration>;
}

/**
 * Uploads third-party certificates into the enrollment's pending change (the first one, or a
 * renewal) and follows CPS through verification, warnings, change management and deployment.
 *
 * ## Example usage
 * ```ts
 * new cps.CertificateUpload("upload", {
 *   enrollmentId: enrollment.enrollmentId,
 *   csrFingerprints: enrollment.csrFingerprints,
 *   certificates: [{ keyAlgorithm: "RSA", certificatePem: rsa.certificatePem, trustChainPem: rsa.trustChainPem }],
 * });
 * ```
 */
// The outputs are declared once, by the provider (CertificateUploadOutputs), and merged into the class;
// `uploadedFingerprints` is the provider's resume bookkeeping, not an output users read.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface CertificateUpload extends OutputProperties<Omit<CertificateUploadOutputs, "uploadedFingerprints">> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class CertificateUpload extends pulumi.dynamic.Resource {
  /** The enrollment the certificates were uploaded to. */
  declare public readonly enrollmentId: pulumi.Output<number>;

  constructor(name: string, args: CertificateUploadArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      uploadShim(),
      name,
      {
        ...args,
        __cpsName: name,
        ...({
          changeId: undefined,
          status: undefined,
          changeStatus: undefined,
          uploadedFingerprints: undefined,
          uploaded: undefined,
          acknowledgedWarnings: undefined,
          staging: undefined,
          production: undefined,
        } satisfies Record<keyof CertificateUploadOutputs, undefined>),
      },
      opts,
      "akamai-cps",
      "CertificateUpload",
    );
  }
}

let shim: pulumi.dynamic.ResourceProvider | undefined;
function uploadShim(): pulumi.dynamic.ResourceProvider {
  return (shim ??= lazyProvider("certificate-upload", "certificateUploadProvider"));
}
