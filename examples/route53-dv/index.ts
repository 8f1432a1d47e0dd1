/**
 * A DV certificate validated with DNS-01 records in Amazon Route 53, then deployed to production,
 * in one `Certificate` declaration. The component calls `dns` once per name, when the program runs
 * (so `pulumi preview` lists the records), with the record's name, value and TTL as Outputs; it
 * waits for the records before validating, and deploys after validation.
 *
 * With the parts instead (Enrollment, your records, DvValidation, Deployment) see the README's
 * Usage section and examples/test-on-staging.
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

const cert = new cps.Certificate("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  secureNetwork: "enhanced-tls",
  sniOnly: true,
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
  // One Route 53 TXT record per name; `opts` makes it a child of the component.
  dns: (name, record, opts) =>
    new aws.route53.Record(
      name,
      {
        zoneId: zone.zoneId,
        name: record.recordName,
        type: "TXT",
        ttl: record.ttl,
        records: [record.value],
        // Take over an _acme-challenge record left by an earlier certificate instead of failing.
        allowOverwrite: true,
      },
      opts,
    ),
});

export const enrollmentId = cert.enrollmentId;
export const phase = cert.phase;
export const serialNumber = cert.deployment.production.apply((p) => p?.serialNumber);
export const notAfter = cert.deployment.production.apply((p) => p?.notAfter);
