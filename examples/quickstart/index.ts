/**
 * Quickstart: one `Certificate` for three names — enrollment, DNS-01 records in Akamai Edge DNS,
 * validation, staging first (change management), production — then the secure edge hostname the
 * site CNAMEs to, and `www CNAME www.<zone>.edgekey.net` in the same zone. `npm run demo` runs it
 * against the local CPS emulator and then checks the site as a user would: DNS through the CNAME,
 * then TLS with the site's name (demo/site-check.ts).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config("quickstart");
const zone = config.get("zone") ?? "example.test";
const contractId = config.get("contractId") ?? "K-0N7RAK71";
// Property Manager group and product for the edge hostname (the emulator accepts any).
const groupId = config.get("groupId") ?? "grp_12345";
const productId = config.get("productId") ?? "prd_Fresca";
// Where the Deployment checks the deployed certificate: the production edge (the emulator's listener in the demo).
const edge = config.get("productionEdge"); // "host:port"
const edgeRootsFile = config.get("edgeRootsFile");

const site = `www.${zone}`;
const contact = { firstName: "Ada", lastName: "Lovelace", email: `hostmaster@${zone}`, phone: "+1 617 555 0100" };
const [edgeHost, edgePort] = (edge ?? "").split(":");

const cert = new cps.Certificate("www", {
  contractId,
  commonName: site,
  sans: [zone, `api.${zone}`],
  secureNetwork: "enhanced-tls",
  sniOnly: true,
  changeManagement: true, // "test on staging first"; the component acknowledges it to go on to production
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", city: "Cambridge", region: "MA", country: "US" },
  csr: { c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
  // One TXT record per name in this Edge DNS zone, declared when the program runs so preview lists them.
  dns: { edgeDnsZone: zone, ttl: 60 },
  ...(edge ? { deployment: { verify: { host: edgeHost!, port: Number(edgePort), ...(edgeRootsFile ? { caCertPem: fs.readFileSync(edgeRootsFile, "utf8") } : {}) } } } : {}),
  // www.<zone>.edgekey.net, created once the certificate is on production, and www.<zone> CNAMEd to it.
  edgeHostname: { groupId, productId, cnameFrom: [site] },
});

export const siteName = site;
export const phase = cert.phase;
export const edgeHostname = cert.edgeHostnameDomain;
export const enrollmentId = cert.enrollmentId;
export const domains = cert.enrollment.domains;
export const serialNumber = cert.deployment.production.apply((p) => p?.serialNumber);
export const notAfter = cert.deployment.production.apply((p) => p?.notAfter);
export const subjectAltNames = cert.deployment.production.apply((p) => p?.subjectAltNames);
export const tlsCheck = cert.deployment.verification.apply((v) => v?.summary ?? "not requested");
