/**
 * Quickstart: a DV certificate for three names, validated through DNS-01 records in Akamai Edge DNS,
 * tested on staging (change management) and deployed to production, then checked with a real TLS
 * handshake against the production edge. `npm run demo` runs it against the local CPS emulator.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config("quickstart");
const zone = config.get("zone") ?? "example.test";
const contractId = config.get("contractId") ?? "K-0N7RAK71";
// Where to check the deployed certificate: the production edge (the emulator's listener in the demo).
const edge = config.get("productionEdge"); // "host:port"
const edgeRootsFile = config.get("edgeRootsFile");

const names = [`www.${zone}`, zone, `api.${zone}`];
const contact = { firstName: "Ada", lastName: "Lovelace", email: `hostmaster@${zone}`, phone: "+1 617 555 0100" };

const cert = new cps.Enrollment("www", {
  contractId,
  commonName: names[0],
  sans: names.slice(1),
  secureNetwork: "enhanced-tls",
  sniOnly: true,
  changeManagement: true, // "test on staging first"
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", city: "Cambridge", region: "MA", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
});

// One TXT record per domain, declared outside apply() so that preview shows them.
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

const [edgeHost, edgePort] = (edge ?? "").split(":");
const deployment = new cps.Deployment(
  "www",
  {
    enrollmentId: cert.enrollmentId,
    network: "production",
    acknowledgeChangeManagement: true,
    ...(edge ? { verify: { host: edgeHost!, port: Number(edgePort), ...(edgeRootsFile ? { caCertPem: fs.readFileSync(edgeRootsFile, "utf8") } : {}) } } : {}),
  },
  { dependsOn: validation },
);

export const enrollmentId = cert.enrollmentId;
export const domains = cert.domains;
export const serialNumber = deployment.production.apply((p) => p?.serialNumber);
export const notAfter = deployment.production.apply((p) => p?.notAfter);
export const subjectAltNames = deployment.production.apply((p) => p?.subjectAltNames);
export const tlsCheck = deployment.verification.apply((v) => v?.summary ?? "not requested");
