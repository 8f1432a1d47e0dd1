/**
 * The akamai-edgedns-dv program with the `Certificate` component's built-in Edge DNS records
 * instead of `@pulumi/akamai`: the TXT records go to Edge DNS with the same EdgeGrid credentials as
 * CPS, no second provider. With `groupId` set it also creates the secure edge hostname
 * (`www.<zone>.edgekey.net`, once the certificate is on production) and the site's CNAME to it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zone = config.require("zone"); // an Edge DNS zone, e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${zone}`, zone]; // lower-case
// Property Manager group and product for the edge hostname, e.g. grp_12345 and prd_Fresca (Ion Standard).
const groupId = config.get("groupId");
const productId = config.get("productId") ?? "prd_Fresca";
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${zone}`, phone: "+1 617 555 0100" };

const cert = new cps.Certificate("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
  dns: { edgeDnsZone: zone, ttl: 60 },
  ...(groupId ? { edgeHostname: { groupId, productId, cnameFrom: [names[0]!] } } : {}),
});

export const enrollmentId = cert.enrollmentId;
export const phase = cert.phase;
export const edgeHostname = cert.edgeHostnameDomain;
export const serialNumber = cert.deployment.production.apply((p) => p?.serialNumber);
export const notAfter = cert.deployment.production.apply((p) => p?.notAfter);
