/**
 * A DV certificate validated with DNS-01 records in Cloudflare DNS, then deployed to production,
 * in one `Certificate` declaration: the component calls `dns` once per name (when the program runs,
 * so `pulumi preview` lists the records), validates once they exist and deploys after validation.
 * The Cloudflare provider reads its API token from `cloudflare:apiToken` (or CLOUDFLARE_API_TOKEN).
 *
 * The site's CNAME to a secure edge hostname (`edgeHostname` on the component) goes in Cloudflare
 * too: `cloudflare.DnsRecord` of type CNAME with `content: cert.edgeHostnameDomain` (set
 * `edgeHostname: { groupId, productId }` without `cnameFrom`, which is for Edge DNS zones).
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

const cert = new cps.Certificate("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
  dns: (name, record, opts) =>
    new cloudflare.DnsRecord(
      name,
      {
        zoneId,
        name: record.recordName,
        type: "TXT",
        ttl: record.ttl,
        content: record.value,
        comment: "ACME challenge for Akamai CPS (managed by Pulumi)",
      },
      opts,
    ),
});

export const enrollmentId = cert.enrollmentId;
export const phase = cert.phase;
export const serialNumber = cert.deployment.production.apply((p) => p?.serialNumber);
export const notAfter = cert.deployment.production.apply((p) => p?.notAfter);
