/**
 * "Test on staging first": with change management on, CPS deploys the certificate to the staging
 * network and stops until someone acknowledges it. This program
 *   1. waits for the staging deployment and checks the staging edge with a TLS handshake (`verify`);
 *   2. only when `promote` is true, declares the production Deployment, which acknowledges change
 *      management (with CPS's validation result hash) and waits for production.
 *
 *   pulumi up                                  # issue, validate, deploy to staging, check staging
 *   pulumi config set test-on-staging:promote true
 *   pulumi up                                  # acknowledge and deploy to production
 *
 * A production Deployment without acknowledgeChangeManagement would fail with "the certificate is
 * on the staging network and waits for your change-management acknowledgement", so it is left out
 * until you promote. While `promote` stays true, later changes (renewals, SAN changes) go to
 * production as soon as the staging check passes; set it back to false to review them by hand.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zone = config.require("zone"); // an Edge DNS zone, e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${zone}`, zone]; // lower-case
// Where to reach the staging network, e.g. "www.example.com.edgekey-staging.net" (host[:port]).
const stagingEdge = config.get("stagingEdge");
// Only for an edge whose certificate chains to a private CA (the local emulator's edge roots).
const stagingEdgeRootsFile = config.get("stagingEdgeRootsFile");
const promote = config.getBoolean("promote") ?? false;
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${zone}`, phone: "+1 617 555 0100" };

const cert = new cps.Enrollment("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  changeManagement: true,
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
});

const records = names.map(
  (d) =>
    new cps.EdgeDnsTxtRecord(`acme-${d}`, {
      zone,
      name: cert.dnsChallenges.apply((c) => c[d]!.recordName),
      values: [cert.dnsChallenges.apply((c) => c[d]!.value)],
    }),
);

const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId }, { dependsOn: records });

const [stagingHost, stagingPort] = (stagingEdge ?? "").split(":");
const staging = new cps.Deployment(
  "www-staging",
  {
    enrollmentId: cert.enrollmentId,
    network: "staging",
    // The handshake uses SNI = the common name and checks chain, hostname and expiry.
    ...(stagingHost
      ? {
          verify: {
            host: stagingHost,
            ...(stagingPort ? { port: Number(stagingPort) } : {}),
            ...(stagingEdgeRootsFile ? { caCertPem: fs.readFileSync(stagingEdgeRootsFile, "utf8") } : {}),
          },
        }
      : {}),
  },
  { dependsOn: validation },
);

const production = promote
  ? new cps.Deployment("www-production", { enrollmentId: cert.enrollmentId, network: "production", acknowledgeChangeManagement: true }, { dependsOn: staging })
  : undefined;

export const stagingSerial = staging.staging.apply((s) => s?.serialNumber);
export const stagingCheck = staging.verification.apply((v) => v?.summary ?? "not requested (set stagingEdge)");
export const productionSerial = production ? production.production.apply((p) => p?.serialNumber) : "not promoted";
