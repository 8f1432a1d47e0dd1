import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { CpsInputError, EdgeGridSigner, edgeGridTimestamp } from "../../provider/cps";

const vectorsDir = path.join(__dirname, "..", "fixtures", "akamai", "edgegrid-vectors");

const testData = z
  .object({
    base_url: z.string(),
    access_token: z.string(),
    client_token: z.string(),
    client_secret: z.string(),
    max_body: z.number(),
    headers_to_sign: z.array(z.string()),
    nonce: z.string(),
    timestamp: z.string(),
    sign_key_test: z.string(),
  })
  .parse(JSON.parse(fs.readFileSync(path.join(vectorsDir, "testdata.json"), "utf8")));

const testCases = z
  .array(
    z.object({
      testName: z.string(),
      request: z.object({
        method: z.string(),
        path: z.string(),
        data: z.string().optional(),
        headers: z.array(z.record(z.string(), z.string())).optional(),
      }),
      expectedAuthorization: z.string().optional(),
      expectedDataToSign: z.string().optional(),
      failsWithMessage: z.string().optional(),
    }),
  )
  .parse(JSON.parse(fs.readFileSync(path.join(vectorsDir, "testcases.json"), "utf8")));

const signer = new EdgeGridSigner({
  clientToken: testData.client_token,
  clientSecret: testData.client_secret,
  accessToken: testData.access_token,
  maxBody: testData.max_body,
  headersToSign: testData.headers_to_sign,
});
const host = new URL(testData.base_url).host;

describe("EdgeGrid signer: the 15 official test vectors", () => {
  it("has all 15 vectors", () => {
    expect(testCases).toHaveLength(15);
  });

  it.each(testCases.map((testCase) => [testCase.testName, testCase] as const))("%s", (_name, testCase) => {
    const headers: Record<string, string> = {};
    for (const entry of testCase.request.headers ?? []) Object.assign(headers, entry);
    const request = {
      method: testCase.request.method,
      scheme: "https",
      host,
      pathAndQuery: testCase.request.path,
      headers,
      body: testCase.request.data,
    };
    const fixed = { timestamp: testData.timestamp, nonce: testData.nonce };
    if (testCase.failsWithMessage !== undefined) {
      expect(() => signer.authorization(request, fixed)).toThrow(CpsInputError);
      expect(() => signer.authorization(request, fixed)).toThrow(/Invalid leading whitespace/);
      return;
    }
    expect(signer.authorization(request, fixed)).toBe(testCase.expectedAuthorization);
    if (testCase.expectedDataToSign !== undefined) {
      // The vectors' data-to-sign stops before the seventh field, the unsigned header itself.
      const unsigned = signer.unsignedHeader(testData.timestamp, testData.nonce);
      expect(signer.dataToSign(request, unsigned)).toBe(testCase.expectedDataToSign + unsigned);
    }
  });

  it("formats timestamps as yyyyMMddTHH:mm:ss+0000 in UTC", () => {
    expect(edgeGridTimestamp(Date.UTC(2014, 2, 21, 19, 34, 21))).toBe(testData.timestamp);
  });

  it("hashes POST bodies by bytes, truncated at max_body", () => {
    const small = new EdgeGridSigner({ clientToken: "c", clientSecret: "s", accessToken: "a", maxBody: 4, headersToSign: [] });
    const base = { method: "POST", scheme: "https", host: "h", pathAndQuery: "/" };
    // "é" is two bytes: truncation happens inside the byte sequence, not at a character.
    expect(small.contentHash({ ...base, body: "abcé" })).toBe(small.contentHash({ ...base, body: Buffer.from("abc\xc3", "latin1") }));
    expect(small.contentHash({ ...base, method: "PUT", body: "abc" })).toBe("");
  });
});
