/**
 * The akamai-edgedns-dv program with this package's `EdgeDnsTxtRecord` instead of `@pulumi/akamai`:
 * the TXT records go to Edge DNS with the same EdgeGrid credentials as CPS, no second provider.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const zone = config.require("zone"); // an Edge DNS zone, e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${zone}`, zone]; // lower-case
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${zone}`, phone: "+1 617 555 0100" };

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
    new cps.EdgeDnsTxtRecord(`acme-${d}`, {
      zone,
      name: cert.dnsChallenges.apply((c) => c[d]!.recordName),
      values: [cert.dnsChallenges.apply((c) => c[d]!.value)],
      ttl: 60,
    }),
);

const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId }, { dependsOn: records });

const deployment = new cps.Deployment("www", { enrollmentId: cert.enrollmentId, network: "production" }, { dependsOn: validation });

export const enrollmentId = cert.enrollmentId;
export const serialNumber = deployment.production.apply((p) => p?.serialNumber);
export const notAfter = deployment.production.apply((p) => p?.notAfter);
