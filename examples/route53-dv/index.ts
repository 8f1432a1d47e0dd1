/**
 * A DV certificate validated with DNS-01 records in Amazon Route 53, then deployed to production.
 *
 * Pattern: one TXT record per domain, declared outside apply() so that `pulumi preview` lists them;
 * only the record values come from the Enrollment's outputs. DvValidation waits for the records
 * (dependsOn) and Deployment waits for the validation.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zoneName = config.require("zone"); // e.g. example.com, a public hosted zone in Route 53
// Lower-case names: the challenge maps are keyed by lower-case domain.
const names = config.getObject<string[]>("names") ?? [`www.${zoneName}`, zoneName];
const contact = {
  firstName: config.get("contactFirstName") ?? "Ada",
  lastName: config.get("contactLastName") ?? "Lovelace",
  email: config.get("contactEmail") ?? `hostmaster@${zoneName}`,
  phone: config.get("contactPhone") ?? "+1 617 555 0100",
};

const zone = aws.route53.getZoneOutput({ name: zoneName, privateZone: false });

const cert = new cps.Enrollment("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  secureNetwork: "enhanced-tls",
  sniOnly: true,
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
});

const records = names.map(
  (d) =>
    new aws.route53.Record(`acme-${d}`, {
      zoneId: zone.zoneId,
      name: cert.dnsChallenges.apply((c) => c[d]!.recordName),
      type: "TXT",
      ttl: 60,
      records: [cert.dnsChallenges.apply((c) => c[d]!.value)],
      // Take over an _acme-challenge record left by an earlier certificate instead of failing.
      allowOverwrite: true,
    }),
);

const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId }, { dependsOn: records });

const deployment = new cps.Deployment("www", { enrollmentId: cert.enrollmentId, network: "production" }, { dependsOn: validation });

export const enrollmentId = cert.enrollmentId;
export const serialNumber = deployment.production.apply((p) => p?.serialNumber);
export const notAfter = deployment.production.apply((p) => p?.notAfter);
