import * as pulumi from "@pulumi/pulumi";
import { enrollmentShim } from "./providers";
import type { EnrollmentOutputs } from "../provider/resources/enrollment";
import type { Contact, CsrSubject, DeploymentSchedule, DnsChallenge, Duration, Organization, OutputProperties, WarningPolicy } from "./types";

/** Inputs of an {@link Enrollment}. Changing `commonName`, `contractId`, `validationType`, `secureNetwork` or `sniOnly` replaces the enrollment; everything else updates it in place. */
export interface EnrollmentArgs {
  /** CPS contract id, e.g. `K-0N7RAK71` (a `ctr_` prefix is accepted and ignored). */
  contractId: pulumi.Input<string>;
  /** `dv` (Let's Encrypt, default), `ov`, `ev` or `third-party`. */
  validationType?: pulumi.Input<"dv" | "ov" | "ev" | "third-party">;
  /** Default `san` (`third-party` for third-party enrollments). */
  certificateType?: pulumi.Input<"san" | "single" | "wildcard" | "wildcard-san" | "third-party">;
  /** The certificate's common name (at most 64 characters). */
  commonName: pulumi.Input<string>;
  /** Further names (a set: order, case and repeating the CN never cause a diff). At most 100 names in all. */
  sans?: pulumi.Input<pulumi.Input<string>[]>;
  /** `enhanced-tls` (default) or `standard-tls`. */
  secureNetwork?: pulumi.Input<"standard-tls" | "enhanced-tls">;
  /** Serve only to SNI clients (default true). Cannot change after creation. */
  sniOnly?: pulumi.Input<boolean>;
  /** `core` (default), `china+core`, `russia+core`. */
  geography?: pulumi.Input<"core" | "china+core" | "russia+core">;
  /** Deprecated by Akamai (no effect); default false. */
  quicEnabled?: pulumi.Input<boolean>;
  /** Cipher profile; default `ak-akamai-2020q1`. */
  mustHaveCiphers?: pulumi.Input<string>;
  /** Cipher profile; default `ak-akamai-2020q1`. */
  preferredCiphers?: pulumi.Input<string>;
  /** e.g. `["TLSv1", "TLSv1_1"]`. */
  disallowedTlsVersions?: pulumi.Input<pulumi.Input<"TLSv1" | "TLSv1_1" | "TLSv1_2" | "TLSv1_3">[]>;
  /** Default `on`. */
  ocspStapling?: pulumi.Input<"on" | "off" | "not-set">;
  /** SNI: serve all certificate names (default true); set false and list `dnsNames` to choose. */
  cloneDnsNames?: pulumi.Input<boolean>;
  /** With `cloneDnsNames: false`: the names the edge serves this certificate for (SNI). */
  dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Mutual TLS (applied with a follow-up update, as CPS does not take it on create). */
  clientMutualAuthentication?: pulumi.Input<{
    /** The CA set (trust store) client certificates are checked against. */
    setId: string;
    /** Send the CA list in the TLS handshake (default false). */
    sendCaListToClient?: boolean;
    /** Check client certificates with OCSP (default false). */
    ocspEnabled?: boolean;
  }>;
  /** FIPS mode for the certificate's TLS (keeps TLS 1.2 and 1.3 enabled). */
  fipsMode?: pulumi.Input<boolean>;
  /** `SHA-256` (default) or `SHA-1`. */
  signatureAlgorithm?: pulumi.Input<"SHA-256" | "SHA-1">;
  /** Third-party only: RSA and ECDSA certificates side by side. */
  dualStack?: pulumi.Input<boolean>;
  /** Third-party only: leave the SANs out of the CSR. */
  excludeSans?: pulumi.Input<boolean>;
  /** Subject fields of the CSR CPS generates (country, state, locality, organization, ...). */
  csr?: pulumi.Input<CsrSubject>;
  /** Required unless `orgId` is set. */
  organization?: pulumi.Input<Organization>;
  /** An organization registered with the CA, instead of `organization` and contacts. */
  orgId?: pulumi.Input<number>;
  /** Required unless `orgId` is set. */
  adminContact?: pulumi.Input<Contact>;
  /** Required unless `orgId` is set. */
  techContact?: pulumi.Input<Contact>;
  /** Stop after staging and wait for an acknowledgement before production ("test on staging"). Default false. */
  changeManagement?: pulumi.Input<boolean>;
  /** OV/EV: the CA's trust chain, `default` or `symantec1kroot`. */
  certificateChainType?: pulumi.Input<"default" | "symantec1kroot">;
  /** Allow another enrollment with the same common name. Default false. */
  allowDuplicateCommonName?: pulumi.Input<boolean>;
  /** What to do with pre-verification warnings (default `"fail"`). */
  preVerificationWarnings?: pulumi.Input<WarningPolicy>;
  /** Allow an update to cancel a pending change (including a renewal). Default false: such updates fail with the change named. */
  cancelPendingChanges?: pulumi.Input<boolean>;
  /** Deployment window for the changes this resource starts. */
  deploymentSchedule?: pulumi.Input<DeploymentSchedule>;
  /** Allow deleting an enrollment whose certificate is live on production. Default false. */
  allowDeleteWhileDeployed?: pulumi.Input<boolean>;
  /**
   * Adopt an existing enrollment instead of creating one (dynamic resources cannot use `pulumi import`).
   * The enrollment is then updated to match these inputs.
   */
  adoptEnrollmentId?: pulumi.Input<number>;
  /** How long create/update wait for CPS to issue challenges or a CSR (default `30m`). */
  timeout?: pulumi.Input<Duration>;
  /** @deprecated use `timeout` (same meaning; kept for one release). */
  waitTimeout?: pulumi.Input<Duration>;
  /** How long delete waits for CPS to remove the enrollment (default `60m`). */
  deleteTimeout?: pulumi.Input<Duration>;
}

/**
 * A CPS enrollment: the certificate's names, network settings, contacts and CA, and the change that
 * issues it. Outputs the DNS-01 and HTTP-01 challenges keyed by domain, so that DNS records can be
 * declared in the same program, outside `apply()`:
 *
 * ```ts
 * const record = new SomeDnsRecord(`acme-${d}`, { name: cert.dnsChallenges.apply(c => c[d].recordName), ... });
 * // or, checked: fails naming the certificate's names when `d` is not one of them
 * const record = new SomeDnsRecord(`acme-${d}`, { name: cert.dnsChallengeFor(d).recordName, ... });
 * ```
 *
 * A DV enrollment has an entry for every name, also when CPS has nothing to validate (an adopted or
 * already validated certificate): that entry has `nothingToPublish: true` and a placeholder value,
 * harmless to publish, replaced by the real one when CPS next asks for validation.
 *
 * ## Example usage
 * ```ts
 * const cert = new cps.Enrollment("www", {
 *   contractId: "K-0N7RAK71", commonName: "www.example.com", sans: ["example.com"],
 *   secureNetwork: "enhanced-tls", sniOnly: true, changeManagement: true,
 *   adminContact, techContact, organization, csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
 * });
 * export const enrollmentId = cert.enrollmentId;
 * ```
 */
// The outputs are declared once, by the provider (EnrollmentOutputs): this interface merges them
// into the class as Pulumi outputs, so the SDK never restates them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Enrollment extends OutputProperties<EnrollmentOutputs> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Enrollment extends pulumi.dynamic.Resource {
  /**
   * The DNS-01 challenge of one name on the certificate (case and a trailing dot do not matter).
   * Fails, naming the certificate's names, when `domain` is not one of them, or when CPS offers no
   * DNS-01 challenge for it (OV/EV and third-party certificates have none).
   */
  dnsChallengeFor(domain: string): pulumi.Output<DnsChallenge> {
    const key = domain.trim().toLowerCase().replace(/\.$/, "");
    return pulumi.all([this.dnsChallenges, this.domains]).apply(([challenges, domains]) => {
      const found = challenges[key];
      if (found) return found;
      if (!domains.includes(key)) {
        throw new Error(`dnsChallengeFor(${JSON.stringify(domain)}): not a name on this certificate; its names are ${domains.join(", ")}`);
      }
      throw new Error(`dnsChallengeFor(${JSON.stringify(domain)}): CPS offers no DNS-01 challenge for this certificate (only DV certificates have them)`);
    });
  }

  constructor(name: string, args: EnrollmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      enrollmentShim,
      name,
      {
        ...args,
        __cpsName: name,
        // Which stack this resource belongs to: the key of the provider's create journal, so an
        // interrupted create resumes only this resource's own enrollment (docs/drift-and-import.md).
        __cpsStack: stackIdentity(),
        ...({
        enrollmentId: undefined,
        domains: undefined,
        dnsChallenges: undefined,
        httpChallenges: undefined,
        domainStatus: undefined,
        challengeChangeId: undefined,
        pendingChangeId: undefined,
        changeType: undefined,
        status: undefined,
        csrs: undefined,
        csrFingerprints: undefined,
        assignedSlots: undefined,
        productionSlots: undefined,
        stagingSlots: undefined,
        autoRenewalStartTime: undefined,
        lastUpdateStartedNewCertificate: undefined,
        adopted: undefined,
        } satisfies Record<keyof EnrollmentOutputs, undefined>),
      },
      opts,
      "akamai-cps",
      "Enrollment",
    );
    if (args.waitTimeout !== undefined) void pulumi.log.warn("waitTimeout is deprecated: use timeout (same meaning)", this);
  }
}


/** `organization/project/stack` of the running program (hosts that pass no organization: `project/stack`). */
function stackIdentity(): string {
  let organization: string | undefined;
  try {
    organization = pulumi.getOrganization();
  } catch {
    organization = undefined; // older hosts and the local engine pass none
  }
  return [organization, pulumi.getProject(), pulumi.getStack()].filter((p) => p !== undefined && p !== "").join("/");
}
