import catalogue from "../../data/cps-warnings.json";
import { classifyWarnings, decideWarnings, KNOWN_WARNING_IDS } from "../../provider/lifecycle/warnings";

/** Realistic values for every `<name>` of the templates (what CPS fills in). */
const TRUST_CHAIN_DUMP = [
  "Trust Chain",
  "Certificate: Subject: OU=WebEx,O=Akamai,L=Cambridge,ST=MA,C=US,CN=www.example.com",
  "  Issuer: C=US,ST=MA,O=Akamai,OU=WebEx,CN=AKAMAI TEST INTERMEDIATE CERT [1]",
  "  Serial Number: eb:ad:53:a3:6f:b3:4c:38:85:2f:2c:80:44:06:85:5d:",
].join("\n");
const VALUES: Record<string, string> = {
  actualDescription: "ISRG Root X1 chain",
  actualName: "ISRG",
  actualSignatureAlgorithm: "SHA256withRSA",
  caaIssuers: "[digicert.com, sectigo.com]",
  certificateDescription: "RSA",
  certificateExpirationDays: "12",
  certificateExpirationMonths: "1",
  certificateExpirationYears: "1",
  certificateSubjectValue: "Example Inc.",
  certificateText: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
  certificateValue: "www.example.com",
  chainEntityCn: "R3",
  chainEntityNotAfter: "2027-09-15T16:00:00Z",
  cpsActualSignatureAlgorithm: "SHA-1",
  csrSubjectValue: "Example, Inc.",
  csrValue: "WWW.example.com",
  dataType: "Trust chain",
  deletedInDays: "3",
  dnsName: "shop.example.com",
  domain: "api.example.com",
  endEntityCn: "www.example.com",
  endEntityNotAfter: "2028-01-01T00:00:00Z",
  exceptionMessage: "NotAfter: Tue Jan 01 00:00:00 UTC 2026",
  expectedDescription: "DigiCert Global Root G2",
  expectedName: "DIGICERT_G2",
  expectedValue: "",
  expiredDays: "4",
  expiresInDays: "9",
  foundValue: "",
  intermediateCertificateText: "CN=Bad Intermediate, O=Bad CA",
  invalidDomainName: "bad_name.example.com",
  issuer: "CN=R3, O=Let's Encrypt, C=US",
  issuerX500Principal: "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US",
  issuers: "[letsencrypt.org]",
  keyAlgorithm: "RSA",
  maxCertificateExpirationYears: "3",
  maximum: "10",
  nameOfSuperSet: "*.example.com",
  requestedSignatureAlgorithm: "SHA-256",
  rootCertificateText: "CN=Bad Root, O=Bad CA",
  sanString: "a.example.com, b.example.com",
  sanValue: "san9.example.com",
  serialNumber: "04:9f:2c:1a",
  size: "12",
  subjectfield: "O",
  trustChainCn: "R3",
  trustChainData: TRUST_CHAIN_DUMP,
  trustChainDescription: "Previous",
  trustChainOrderNumber: "2",
  willBeDeletedInDays: "5",
};

function fill(template: string): string {
  return template.replace(/<([A-Za-z0-9]+)>/g, (_, name: string) => {
    const value = VALUES[name];
    if (value === undefined) throw new Error(`no test value for <${name}>`);
    return value;
  });
}

describe("the warning catalogue (Akamai's 114 templates, cps_warnings.gen.go)", () => {
  it("holds all 114 IDs, including the ones the old paraphrases missed", () => {
    expect(KNOWN_WARNING_IDS).toHaveLength(114);
    expect(KNOWN_WARNING_IDS).toEqual(expect.arrayContaining(["SANS_REMOVED_REQUIRE_ACKNOWLEDGEMENT", "DNS_NAME_CAA_NOT_VALIDATED", "RETRY_REQUIRED"]));
  });

  it.each(catalogue.warnings.map((w) => [w.id, w.template] as const))("%s, filled with real values, classifies to its ID", (id, template) => {
    const text = fill(template);
    expect(classifyWarnings(text).map((w) => w.id)).toEqual([id]);
    expect(classifyWarnings(`[WARNINGS]\n${text}\n`).map((w) => w.id)).toEqual([id]);
  });

  it("splits a string into warnings, not lines: several warnings each get their ID, a trust-chain dump stays whole", () => {
    const text = [
      "[WARNINGS]",
      fill("The following domain(s) overlap domains on another certificate: <sanString>."),
      fill("The trust chain terminates with a non-standard root certificate.\n<trustChainData>"),
      fill("SAN name [<sanValue>] was added to the certificate."),
    ].join("\n");
    const warnings = classifyWarnings(text);
    expect(warnings.map((w) => w.id)).toEqual([
      "OVERLAPPING_TRAFFIC_CLASS",
      "TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED",
      "CSR_VS_CERTIFICATE_ADDITIONAL_SAN_IN_SAN_LIST_IN_CERTIFICATE",
    ]);
    expect(warnings[1]!.message).toContain("Serial Number: eb:ad:53");
  });

  it("never swallows an unknown warning into a known one's value (it would be acknowledged under the known ID)", () => {
    const afterDump = classifyWarnings(`[WARNINGS]\n${fill("The trust chain terminates with a non-standard root certificate.\n<trustChainData>")}\nA warning no template knows.`);
    expect(afterDump.map((w) => w.known)).toEqual([true, false]);
    const afterBracket = classifyWarnings("SAN name [a.example.com] was added to the certificate.\nA warning no template knows.\nSAN name [b.example.com] was added to the certificate.");
    expect(afterBracket.map((w) => w.known)).toEqual([true, false, true]);
  });

  // https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/examples/warnings.v1-3p-post-verification.json
  const POST_VERIFICATION_EXAMPLE =
    "[WARNINGS]\nThe trust chain terminates with a non-standard root certificate.\nTrust Chain\nCertificate: Subject: OU=WebEx,O=Akamai,L=Cambridge,ST=MA,C=US,CN=www.example.com\n  Issuer: C=US,ST=MA,O=Akamai,OU=WebEx,CN=AKAMAI TEST INTERMEDIATE CERT [1]\n  Serial Number: eb:ad:53:a3:6f:b3:4c:38:85:2f:2c:80:44:06:85:5d:\nThe chain that will be used is:\n1.  Subject: CN=AKAMAI TEST INTERMEDIATE CERT [1],OU=WebEx,O=Akamai,ST=MA,C=US\n  Issuer: C=US,ST=MA,O=Akamai,OU=WebEx,CN=www.CPS-Akamai-Test-Root.com\n  Serial Number: 1d:45:98:c1:83:d2:48:ee:b5:21:36:d7:c8:68:db:7c:\n2.  Subject: CN=www.CPS-Akamai-Test-Root.com,OU=WebEx,O=Akamai,ST=MA,C=US\n  Issuer: CN=www.CPS-Akamai-Test-Root.com,OU=WebEx,O=Akamai,ST=MA,C=US\n  Serial Number: ee:e5:58:15:30:0c:41:1c:96:dc:ba:89:7e:e0:08:c7:\n";
  // https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/examples/warnings.v1-auto-pre-verification.json
  const PRE_VERIFICATION_EXAMPLE =
    "Some of the domains being provisioned (%s) exist on another certificate. Akamai recommends against overlapping names on Enhanced TLS and Standard TLS certificates except during digital property migrations. Enhanced TLS traffic could be misdirected in the event of DNS misconfiguration and treated as Standard TLS until the overlap is eliminated.";
  // https://github.com/akamai/akamai-apis/blob/main/apis/cps/v2/newer/examples/change-management-info.v6-3p.json
  const VALIDATION_RESULT_EXAMPLE =
    "[SAN name [san9.example.com] removed from certificate is still live on the network., SAN name [san8.example.com] removed from certificate is still live on the network.]";

  it("classifies Akamai's OpenAPI warning examples to the right IDs", () => {
    expect(classifyWarnings(POST_VERIFICATION_EXAMPLE).map((w) => w.id)).toEqual(["TRUST_CHAIN_TERMINATES_WITH_NON_STANDARD_CERTIFICATE_DETAILED"]);
    expect(classifyWarnings(PRE_VERIFICATION_EXAMPLE).map((w) => w.id)).toEqual(["OVERLAPPING_TRAFFIC_CLASS"]);
    expect(classifyWarnings(VALIDATION_RESULT_EXAMPLE).map((w) => w.id)).toEqual([
      "CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK",
      "CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK",
    ]);
  });

  it("gives a text no template matches an ID that survives a renewal (names, serials, dates, numbers masked)", () => {
    const first = classifyWarnings("[WARNINGS]\nCertificate www.example.com serial 04:9f:2c expires on 2026-01-02 in 30 days for reasons we have not seen.");
    const renewed = classifyWarnings("[WARNINGS]\nCertificate shop.example.org serial 7a:11:0b expires on 2027-03-04 in 12 days for reasons we have not seen.");
    const other = classifyWarnings("[WARNINGS]\nSomething else entirely.");
    expect(first).toHaveLength(1);
    expect(first[0]!.known).toBe(false);
    expect(first[0]!.id).toMatch(/^UNKNOWN_[0-9A-F]{8}$/);
    expect(renewed[0]!.id).toBe(first[0]!.id);
    expect(other[0]!.id).not.toBe(first[0]!.id);
  });

  it("an ID list acknowledges exactly those warnings and refuses the others, naming them", () => {
    const text = `[WARNINGS]\n${fill("The following domain(s) overlap domains on another certificate: <sanString>.")}\n${fill("Name [<dnsName>] is overlapping DNS name of one or more enrollments.")}`;
    const partial = decideWarnings(text, ["OVERLAPPING_TRAFFIC_CLASS"]);
    expect(partial.acknowledge).toBe(false);
    expect(partial.refused.map((w) => w.id)).toEqual(["SNI_DNS_OVERLAP"]);
    expect(decideWarnings(text, ["OVERLAPPING_TRAFFIC_CLASS", "SNI_DNS_OVERLAP"]).acknowledge).toBe(true);
    expect(decideWarnings(text, "fail").refused).toHaveLength(2);
  });
});
