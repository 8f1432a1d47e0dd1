/** DV with HTTP-01 tokens through the engine path: the program serves `httpChallenges`, the emulator fetches them. */
import * as http from "http";
import { AddressInfo } from "net";
import { startTestStack, TestStack, enrollmentInputs } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "tokens.test";
const NAMES = [`www.${ZONE}`, ZONE];

describe("DV with http-01 tokens", () => {
  const served = new Map<string, string>();
  const hits: string[] = [];
  let server: http.Server;
  let stack: TestStack;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(`${req.headers.host}${req.url}`);
      const body = served.get(`${req.headers.host?.split(":")[0]}${req.url}`);
      res.writeHead(body ? 200 : 404, { "content-type": "text/plain" }).end(body ?? "not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    stack = await startTestStack({ zones: [ZONE], httpPort: port });
    for (const name of NAMES) await stack.admin("PUT", "/dns/records", { name, type: "A", ttl: 60, rdata: ["127.0.0.1"] });
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("validates once the tokens are served, and reports the missing one before that", async () => {
    const created = await stack.driver.up("Enrollment", "web", enrollmentInputs(ZONE, { commonName: NAMES[0], sans: [NAMES[1]], changeManagement: false }));
    if (created.op === "failed") throw new Error(created.message);
    const tokens = stack.driver.outputs("web").httpChallenges as Record<string, { url: string; body: string; redirectUrl?: string }>;
    expect(Object.keys(tokens).sort()).toEqual([...NAMES].sort());
    for (const [domain, t] of Object.entries(tokens)) {
      expect(t.url).toBe(`http://${domain}/.well-known/acme-challenge/${t.url.split("/").pop()}`);
      expect(t.body.length).toBeGreaterThan(20);
    }

    // Serve only one token: validation must not finish, and the failure names the other domain.
    const [first, second] = NAMES as [string, string];
    served.set(`${first}${new URL(tokens[first]!.url).pathname}`, tokens[first]!.body);
    const id = stack.driver.outputs("web").enrollmentId as number;
    const partial = await stack.driver.up("DvValidation", "web-validation", { enrollmentId: id, challengeType: "http-01", timeout: "3s" });
    expect(partial.op).toBe("failed");
    if (partial.op === "failed") {
      expect(partial.message).toContain(second);
      // The advice is for http-01, from a domain state read after the wait ended.
      expect(partial.message).toMatch(/Domains not validated yet \(read just now\): .*\nServe each token at http:\/\/<domain>\/\.well-known\/acme-challenge\/<token> with the body from the Enrollment's httpChallenges/);
      expect(partial.message).not.toMatch(/Publish the TXT record/);
    }
    expect(hits.some((h) => h.startsWith(first))).toBe(true);

    served.set(`${second}${new URL(tokens[second]!.url).pathname}`, tokens[second]!.body);
    const done = await stack.driver.up("DvValidation", "web-validation", { enrollmentId: id, challengeType: "http-01", timeout: "1m" });
    if (done.op === "failed") throw new Error(done.message);
    expect(stack.driver.outputs("web-validation").validatedDomains).toEqual([...NAMES].sort());
  });
});
