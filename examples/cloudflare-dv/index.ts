/**
 * A DV certificate validated with DNS-01 records in Cloudflare DNS, then deployed to production.
 *
 * Same pattern as every DNS provider: one TXT record per domain declared outside apply(), values
 * from the Enrollment's `dnsChallenges`, DvValidation `dependsOn` the records, Deployment after it.
 * The Cloudflare provider reads its API token from `cloudflare:apiToken` (or CLOUDFLARE_API_TOKEN).
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zoneId = config.require("zoneId"); // the Cloudflare zone that holds the names
const domain = config.require("domain"); // e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${domain}`, domain]; // lower-case
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${domain}`, phone: "+1 617 555 0100" };

const cert = new cps.Enrollment("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
});

const records = names.map(
  (d) =>
    new cloudflare.DnsRecord(`acme-${d}`, {
      zoneId,
      name: cert.dnsChallenges.apply((c) => c[d]!.recordName),
      type: "TXT",
      ttl: 60,
      content: cert.dnsChallenges.apply((c) => c[d]!.value),
      comment: "ACME challenge for Akamai CPS (managed by Pulumi)",
    }),
);

const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId }, { dependsOn: records });

const deployment = new cps.Deployment("www", { enrollmentId: cert.enrollmentId, network: "production" }, { dependsOn: validation });

export const enrollmentId = cert.enrollmentId;
export const serialNumber = deployment.production.apply((p) => p?.serialNumber);
export const notAfter = deployment.production.apply((p) => p?.notAfter);
