/**
 * A DV certificate validated with HTTP-01 tokens instead of DNS records.
 *
 * The CA fetches `http://<domain>/.well-known/acme-challenge/<token>` for every name. Here the
 * tokens live in a dedicated S3 bucket (website hosting) that your Akamai property (or any CDN or
 * proxy in front of the names) routes `/.well-known/acme-challenge/*` to. Two ways to answer:
 *   - `mode: serve` (default): the object holds the token body CPS expects;
 *   - `mode: redirect`: the object is an S3 website redirect to the `redirectUrl` CPS offers.
 * DvValidation (challengeType "http-01") runs only after every token object exists (dependsOn).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as cps from "pulumi-akamai-cps";

const config = new pulumi.Config();
const contractId = config.require("contractId");
const domain = config.require("domain"); // e.g. example.com
const names = config.getObject<string[]>("names") ?? [`www.${domain}`, domain]; // lower-case
const mode = config.get("mode") ?? "serve";
if (mode !== "serve" && mode !== "redirect") throw new Error(`http-token:mode must be "serve" or "redirect", not "${mode}"`);
const contact = { firstName: "Ada", lastName: "Lovelace", email: config.get("contactEmail") ?? `hostmaster@${domain}`, phone: "+1 617 555 0100" };

// S3 bucket names are global: a random suffix keeps this one unique.
const suffix = new random.RandomId("tokens", { byteLength: 4 });
const bucket = new aws.s3.Bucket("acme-tokens", { bucket: pulumi.interpolate`acme-tokens-${suffix.hex}`, forceDestroy: true });
const website = new aws.s3.BucketWebsiteConfiguration("acme-tokens", { bucket: bucket.id, indexDocument: { suffix: "index.html" } });
const publicAccess = new aws.s3.BucketPublicAccessBlock("acme-tokens", { bucket: bucket.id, blockPublicPolicy: false, restrictPublicBuckets: false });
// Only the challenge path is readable, which is what the CA (through your edge) needs.
const policy = new aws.s3.BucketPolicy(
  "acme-tokens",
  {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/.well-known/acme-challenge/*` }],
    }),
  },
  { dependsOn: publicAccess },
);

const cert = new cps.Enrollment("www", {
  contractId,
  commonName: names[0]!,
  sans: names.slice(1),
  adminContact: contact,
  techContact: contact,
  organization: { name: "Example Inc.", country: "US" },
  csr: { c: "US", o: "Example Inc." },
});

// One token object per domain, declared outside apply(); only key and content come from outputs.
const tokens = names.map((d) => {
  const challenge = cert.httpChallenges.apply((c) => c[d]!);
  return new aws.s3.BucketObjectv2(
    `acme-${d}`,
    {
      bucket: bucket.id,
      key: challenge.apply((c) => `.well-known/acme-challenge/${c.token}`),
      contentType: "text/plain",
      ...(mode === "serve"
        ? { content: challenge.apply((c) => c.body) }
        : {
            content: "",
            websiteRedirect: challenge.apply((c) => {
              if (!c.redirectUrl) throw new Error(`CPS offered no redirectUrl for ${d}; use mode "serve"`);
              return c.redirectUrl;
            }),
          }),
    },
    { dependsOn: [policy, website] },
  );
});

const validation = new cps.DvValidation("www", { enrollmentId: cert.enrollmentId, challengeType: "http-01" }, { dependsOn: tokens });

const deployment = new cps.Deployment("www", { enrollmentId: cert.enrollmentId, network: "production" }, { dependsOn: validation });

/** Route `/.well-known/acme-challenge/*` of every name to this origin (HTTP, port 80). */
export const tokenOrigin = website.websiteEndpoint;
export const challengeUrls = cert.httpChallenges.apply((c) => Object.values(c).map((h) => h.url));
export const serialNumber = deployment.production.apply((p) => p?.serialNumber);
