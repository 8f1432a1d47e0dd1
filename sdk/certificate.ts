import * as pulumi from "@pulumi/pulumi";
import { Deployment, type DeploymentArgs } from "./deployment";
import { DvValidation, type DvValidationArgs } from "./dv-validation";
import { EdgeDnsCnameRecord } from "./edge-dns-cname-record";
import { EdgeDnsTxtRecord } from "./edge-dns-txt-record";
import { Enrollment, type EnrollmentArgs } from "./enrollment";
import { SecureEdgeHostname, type SecureEdgeHostnameArgs } from "./secure-edge-hostname";
import type { Duration } from "./types";

/** One `_acme-challenge` TXT record the {@link Certificate} needs published, handed to a {@link ChallengeRecordFactory}. */
export interface ChallengeRecord {
  /** The certificate name it validates, e.g. `www.example.com`. */
  domain: string;
  /** `_acme-challenge.www.example.com`. */
  recordName: pulumi.Output<string>;
  /** The TXT value CPS expects. */
  value: pulumi.Output<string>;
  /** Seconds. */
  ttl: number;
}

/**
 * Publishes one challenge record with your own DNS provider and returns the resource that does it
 * (Route 53, Cloudflare, …). `opts.parent` is the component: pass `opts` on to your resource.
 *
 * ```ts
 * dns: (name, r, opts) => new aws.route53.Record(name, { zoneId, name: r.recordName, type: "TXT", ttl: r.ttl, records: [r.value] }, opts)
 * ```
 */
export type ChallengeRecordFactory = (name: string, record: ChallengeRecord, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** Where the {@link Certificate}'s challenge records go: an Akamai Edge DNS zone, or your own factory. */
export type ChallengeDns =
  | {
      /** The Edge DNS zone the `_acme-challenge` records are written to, e.g. `example.com`. */
      edgeDnsZone: pulumi.Input<string>;
      /** TTL of those records, in seconds (default 60). */
      ttl?: number;
    }
  | ChallengeRecordFactory;

/** The secure edge hostname a {@link Certificate} creates once its certificate is on production. */
export interface CertificateEdgeHostname extends Pick<SecureEdgeHostnameArgs, "groupId" | "productId" | "ipVersionBehavior" | "timeout"> {
  /** Default: the common name (`www.example.com` → `www.example.com.edgekey.net`). */
  domainPrefix?: string;
  /** With `edgeDnsZone`: names to CNAME to the edge hostname in that zone (e.g. `["www.example.com"]`). */
  cnameFrom?: string[];
}

/** Inputs of a {@link Certificate}: the Enrollment's inputs plus how to publish, validate and deploy. */
export interface CertificateArgs extends Omit<EnrollmentArgs, "commonName" | "sans" | "validationType" | "certificateType"> {
  /**
   * The certificate's first name. Plain text (not an Output), as are `sans`: the component declares
   * one record per name when the program runs, so `pulumi preview` lists them.
   */
  commonName: string;
  /** Further names on the certificate. */
  sans?: string[];
  /** Where the `_acme-challenge` records go. */
  dns: ChallengeDns;
  /** DvValidation settings (warnings policy, timeouts). */
  validation?: Omit<DvValidationArgs, "enrollmentId" | "challengeType">;
  /**
   * Which network to wait for: `"production"` (default) or `"staging"` (with `changeManagement:
   * true` the certificate then waits on staging until you set this to `"production"`).
   */
  deployTo?: "staging" | "production";
  /** Deployment settings; with change management and `deployTo: "production"`, `acknowledgeChangeManagement` defaults to true. */
  deployment?: Omit<DeploymentArgs, "enrollmentId" | "network"> & {
    /** Bound on the deployment wait (default `60m`). */
    timeout?: pulumi.Input<Duration>;
  };
  /** Create a secure edge hostname for the certificate (needs `deployTo: "production"`). */
  edgeHostname?: CertificateEdgeHostname;
}

/** Where a {@link Certificate} stands, as a user reads it at a glance. */
export type CertificatePhase = "Enrolled" | "ChallengesPublished" | "Validated" | "OnStaging" | "OnProduction";

/**
 * A DV certificate from nothing to the edge in one declaration, the way cert-manager's
 * `Certificate` is one object: an {@link Enrollment}, one challenge record per name (Edge DNS or
 * your DNS provider), a {@link DvValidation} that waits on those records, a {@link Deployment} to
 * staging or production, and optionally a {@link SecureEdgeHostname} with CNAMEs to it. The parts
 * are exposed for anything the component does not cover; use them directly for OV/EV or
 * third-party certificates.
 *
 * ## Example usage
 * ```ts
 * const cert = new cps.Certificate("www", {
 *   contractId: "K-0N7RAK71", commonName: "www.example.com", sans: ["example.com"],
 *   adminContact, techContact, organization, csr: { c: "US", o: "Example Inc." },
 *   dns: { edgeDnsZone: "example.com" },
 *   edgeHostname: { groupId: "grp_12345", productId: "prd_Fresca", cnameFrom: ["www.example.com"] },
 * });
 * export const phase = cert.phase;                 // "OnProduction"
 * export const cname = cert.edgeHostnameDomain;    // "www.example.com.edgekey.net"
 * ```
 */
export class Certificate extends pulumi.ComponentResource {
  /** The enrollment part. */
  readonly enrollment: Enrollment;
  /** The challenge record resources, one per name, in the order of `[commonName, ...sans]`. */
  readonly challengeRecords: pulumi.Resource[];
  /** The validation part: waits until the CA validated every name. */
  readonly validation: DvValidation;
  /** The deployment part: waits until the certificate is on `deployTo`. */
  readonly deployment: Deployment;
  /** The secure edge hostname, when `edgeHostname` is set. */
  readonly edgeHostname?: SecureEdgeHostname;
  /** The CNAME records of `edgeHostname.cnameFrom`, one per name. */
  readonly cnameRecords: EdgeDnsCnameRecord[];
  /** The enrollment id. */
  readonly enrollmentId: pulumi.Output<number>;
  /** The furthest phase reached when the last `pulumi up` finished. */
  readonly phase: pulumi.Output<CertificatePhase>;
  /** Per name: validated / pending, as CPS last reported it. */
  readonly domainStatus: DvValidation["domainStatus"];
  /** The CNAME target when `edgeHostname` is set, e.g. `www.example.com.edgekey.net`. */
  readonly edgeHostnameDomain: pulumi.Output<string | undefined>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("akamai-cps:index:Certificate", name, {}, opts);
    const { dns, validation, deployTo = "production", deployment, edgeHostname, commonName, sans = [], ...enrollmentArgs } = args;
    if (edgeHostname !== undefined && deployTo !== "production") {
      throw new Error(`Certificate ${name}: edgeHostname needs deployTo: "production" (an edge hostname serves the production certificate)`);
    }
    const names = [commonName, ...sans];
    const child: pulumi.CustomResourceOptions = { parent: this };

    this.enrollment = new Enrollment(name, { ...enrollmentArgs, commonName, sans, validationType: "dv" }, child);
    this.challengeRecords = names.map((domain) => {
      const challenge = this.enrollment.dnsChallengeFor(domain);
      const record: ChallengeRecord = { domain, recordName: challenge.recordName, value: challenge.value, ttl: typeof dns === "function" ? 60 : (dns.ttl ?? 60) };
      const recordName = `${name}-acme-${domain}`;
      if (typeof dns === "function") return dns(recordName, record, child);
      return new EdgeDnsTxtRecord(recordName, { zone: dns.edgeDnsZone, name: record.recordName, values: [record.value], ttl: record.ttl }, child);
    });
    this.validation = new DvValidation(name, { ...validation, enrollmentId: this.enrollment.enrollmentId }, { parent: this, dependsOn: this.challengeRecords });
    const changeManagement = pulumi.output(enrollmentArgs.changeManagement ?? false);
    this.deployment = new Deployment(
      name,
      {
        ...deployment,
        acknowledgeChangeManagement: deployment?.acknowledgeChangeManagement ?? changeManagement.apply((cm) => cm && deployTo === "production"),
        // One opt-in for the whole certificate: the Deployment refuses its delete while live on production unless set.
        allowDeleteWhileDeployed: deployment?.allowDeleteWhileDeployed ?? enrollmentArgs.allowDeleteWhileDeployed,
        enrollmentId: this.enrollment.enrollmentId,
        network: deployTo,
      },
      { parent: this, dependsOn: [this.validation] },
    );
    this.cnameRecords = [];
    if (edgeHostname !== undefined) {
      const { cnameFrom = [], domainPrefix = commonName, ...rest } = edgeHostname;
      this.edgeHostname = new SecureEdgeHostname(
        name,
        {
          ...rest,
          contractId: enrollmentArgs.contractId,
          enrollmentId: this.enrollment.enrollmentId,
          domainPrefix,
          secureNetwork: enrollmentArgs.secureNetwork ?? "enhanced-tls",
          // A destroy deletes the edge hostname and the CNAMEs before the Deployment: same opt-in.
          allowDeleteWhileDeployed: enrollmentArgs.allowDeleteWhileDeployed,
        },
        { parent: this, dependsOn: [this.deployment] },
      );
      if (cnameFrom.length > 0 && typeof dns === "function") {
        throw new Error(`Certificate ${name}: edgeHostname.cnameFrom needs dns: { edgeDnsZone } (with your own DNS provider, create the CNAMEs to cert.edgeHostnameDomain yourself)`);
      }
      for (const from of cnameFrom) {
        if (typeof dns === "function") break;
        this.cnameRecords.push(new EdgeDnsCnameRecord(`${name}-cname-${from}`, { zone: dns.edgeDnsZone, name: from, target: this.edgeHostname.edgeHostname, enrollmentId: this.enrollment.enrollmentId, allowDeleteWhileDeployed: enrollmentArgs.allowDeleteWhileDeployed }, { parent: this }));
      }
    }
    this.enrollmentId = this.enrollment.enrollmentId;
    this.domainStatus = this.validation.domainStatus;
    this.edgeHostnameDomain = this.edgeHostname ? this.edgeHostname.edgeHostname.apply((h): string | undefined => h) : pulumi.output(undefined);
    this.phase = pulumi
      .all([this.deployment.production, this.deployment.staging, this.validation.validatedDomains])
      .apply(([production, staging, validated]) => certificatePhase({ onProduction: production != null, onStaging: staging != null, validated: (validated ?? []).length > 0, published: true }));
    this.registerOutputs({ enrollmentId: this.enrollmentId, phase: this.phase, domainStatus: this.domainStatus, edgeHostnameDomain: this.edgeHostnameDomain });
  }
}

/** The furthest phase a certificate has reached. */
export function certificatePhase(s: { onProduction: boolean; onStaging: boolean; validated: boolean; published: boolean }): CertificatePhase {
  if (s.onProduction) return "OnProduction";
  if (s.onStaging) return "OnStaging";
  if (s.validated) return "Validated";
  return s.published ? "ChallengesPublished" : "Enrolled";
}
