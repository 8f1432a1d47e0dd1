/**
 * A DV certificate validated with DNS-01 records in Akamai Edge DNS written by `@pulumi/akamai`'s
 * `akamai.DnsRecord`, then deployed to production, in one `Certificate` declaration: the component
 * calls `dns` once per name, when the program runs, so `pulumi preview` lists the records.
 *
 * Not type-checked in this repository's CI: `@pulumi/akamai` is not available from the npm registry
 * our CI reaches. The call below follows its published API (zone, name, recordtype, ttl, targets).
 * `./edgedns-txt-record` is the same program with the component's built-in Edge DNS records
 * (`dns: { edgeDnsZone }`), which needs no second provider and uses the CPS credentials; that one
 * is type-checked.
 */
import * as akamai from "@pulumi/akamai";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zone = config.require("zone"); // an Edge DNS zone, e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${zone}`, zone]; // lower-case
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${zone}`, phone: "+1 617 555 0100" };

const cert = new cps.Certificate("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
  dns: (name, record, opts) =>
    new akamai.DnsRecord(name, { zone, name: record.recordName, recordtype: "TXT", ttl: record.ttl, targets: [record.value] }, opts),
});

export const enrollmentId = cert.enrollmentId;
export const phase = cert.phase;
export const serialNumber = cert.deployment.production.apply((p) => p?.serialNumber);
export const notAfter = cert.deployment.production.apply((p) => p?.notAfter);
