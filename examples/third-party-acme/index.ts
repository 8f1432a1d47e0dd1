/**
 * A third-party CPS certificate issued by an ACME CA (Let's Encrypt, ZeroSSL, Sectigo, Google
 * Trust Services, or a local pebble), in one program and one `pulumi up`:
 *
 *   Enrollment (third-party, RSA + ECDSA) → csrs
 *   → AcmeOrder per key algorithm → dnsChallenges
 *   → EdgeDnsTxtRecord per name (declared here, outside apply())
 *   → AcmeCertificate per key algorithm → certificate + chain
 *   → CertificateUpload → verified, warnings per policy, deployed to production.
 *
 * When CPS opens a renewal, the Enrollment outputs new CSRs, so the next `pulumi up` opens new
 * orders, updates the TXT records, re-issues and uploads into the renewal change. No manual step.
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config("third-party-acme");
const zone = config.get("zone") ?? "example.test";
const contractId = config.get("contractId") ?? "K-0N7RAK71";
const directoryUrl = config.get("directoryUrl") ?? "https://acme-staging-v02.api.letsencrypt.org/directory";
// Only for a CA whose HTTPS certificate is not publicly trusted (a local pebble).
const acmeCaFile = config.get("acmeCaCertFile");
// External Account Binding, for CAs that require it (Sectigo, ZeroSSL, Google Trust Services).
const eabKid = config.get("eabKid");
const eabHmacKey = config.getSecret("eabHmacKey");

const names = [`www.${zone}`, zone];
const contact = { firstName: "Ada", lastName: "Lovelace", email: `hostmaster@${zone}`, phone: "+1 617 555 0100" };

const enrollment = new cps.Enrollment("shop", {
  contractId,
  validationType: "third-party",
  commonName: names[0]!,
  sans: names.slice(1),
  dualStack: true, // one RSA and one ECDSA CSR
  secureNetwork: "enhanced-tls",
  sniOnly: true,
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  // No csr subject fields (c, st, l, o, ou): ACME CAs issue CN-only subjects, and CPS would raise a
  // post-verification warning for every field the certificate drops.
});

const algorithms = ["rsa", "ecdsa"] as const;
const orders = algorithms.map(
  (alg) =>
    new cps.AcmeOrder(`shop-${alg}`, {
      csrPem: enrollment.csrs.apply((c) => c[alg]!),
      directoryUrl,
      email: contact.email,
      ...(acmeCaFile ? { caCertPem: fs.readFileSync(acmeCaFile, "utf8") } : {}),
      ...(eabKid && eabHmacKey ? { eab: { kid: eabKid, hmacKey: eabHmacKey } } : {}),
    }),
);

// One TXT record set per name, holding the values of both orders (they share `_acme-challenge.<name>`).
const records = names.map(
  (d) =>
    new cps.EdgeDnsTxtRecord(`acme-${d}`, {
      zone,
      name: `_acme-challenge.${d}`,
      values: orders.map((o) => o.dnsChallenges.apply((c) => c[d]!.value)),
      ttl: 60,
    }),
);

const certificates = orders.map((order, i) => new cps.AcmeCertificate(`shop-${algorithms[i]}`, { order, dnsRecords: records }));

const upload = new cps.CertificateUpload("shop", {
  enrollmentId: enrollment.enrollmentId,
  certificates: certificates.map((c) => ({ keyAlgorithm: c.keyAlgorithm, certificatePem: c.certificatePem, trustChainPem: c.trustChainPem })),
  // Let preview reject a certificate that is not for the current CSRs or misses a name.
  csrFingerprints: enrollment.csrFingerprints,
  expectedSans: enrollment.domains,
  // ACME CAs' roots may be unknown to CPS: accept that warning by ID, fail on anything else.
  postVerificationWarnings: ["TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED"],
  waitForDeployment: "production",
});

export const enrollmentId = enrollment.enrollmentId;
export const notAfter = certificates.map((c) => c.notAfter);
export const live = upload.production.apply((p) => p?.matchesInputs ?? false);
