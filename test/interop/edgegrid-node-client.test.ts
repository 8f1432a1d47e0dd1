/**
 * Akamai's own Node.js EdgeGrid client (akamai-edgegrid, the library other tools use) talks to the
 * emulator: its signatures verify, its bodies are accepted, and a full DV enrollment round trip works
 * without any code of ours on the client side. Runs the client in a plain child process with the
 * emulator's CA trusted through NODE_EXTRA_CA_CERTS, as a user would.
 */
import { execFile } from "child_process";
import * as path from "path";
import { startEmulator, RunningEmulator } from "../../emulator";

jest.setTimeout(60_000);

const SCRIPT = `
const EdgeGrid = require("akamai-edgegrid");
const [edgerc, section, op, arg] = process.argv.slice(1);
const eg = new EdgeGrid({ path: edgerc, section });
const requests = {
  list: { path: "/cps/v2/enrollments", method: "GET", qs: { contractId: "K-0N7RAK71" }, headers: { Accept: "application/vnd.akamai.cps.enrollments.v11+json" } },
  create: { path: "/cps/v2/enrollments", method: "POST", qs: { contractId: "K-0N7RAK71" },
            headers: { "Content-Type": "application/vnd.akamai.cps.enrollment.v11+json", Accept: "application/vnd.akamai.cps.enrollment-status.v1+json" }, body: arg },
  get: { path: "/cps/v2/enrollments/" + arg, method: "GET", headers: { Accept: "application/vnd.akamai.cps.enrollment.v11+json" } },
};
eg.auth(requests[op]).send((error, response) => {
  if (error && !error.response) { console.log(JSON.stringify({ error: String(error) })); return; }
  const r = error ? error.response : response;
  console.log(JSON.stringify({ status: r.status, type: r.headers["content-type"], body: r.data }));
});
`;

interface Result {
  status?: number;
  type?: string;
  body?: Record<string, unknown>;
  error?: string;
}

function runClient(emulator: RunningEmulator, op: string, arg = ""): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", SCRIPT, emulator.edgerc, emulator.section, op, arg],
      { cwd: path.resolve(__dirname, "..", ".."), env: { ...process.env, NODE_EXTRA_CA_CERTS: emulator.caCert } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split("\n").pop()!) as Result);
      },
    );
  });
}

const ENROLLMENT = {
  ra: "lets-encrypt",
  validationType: "dv",
  certificateType: "san",
  changeManagement: false,
  enableMultiStackedCertificates: false,
  signatureAlgorithm: "SHA-256",
  csr: { cn: "interop.example.test", sans: ["interop.example.test"], c: "US", st: "MA", l: "Cambridge", o: "Example Inc." },
  networkConfiguration: { geography: "core", secureNetwork: "enhanced-tls", sniOnly: true, quicEnabled: false },
  org: { name: "Example Inc.", addressLineOne: null, addressLineTwo: null, city: "Cambridge", region: "MA", postalCode: null, country: "US", phone: null },
  adminContact: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.test", phone: "+1 617 555 0100" },
  techContact: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.test", phone: "+1 617 555 0100" },
};

describe("Akamai's Node.js EdgeGrid client against the emulator", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimits: { enabled: false }, createThrottle: false }); // not a test of the account budget
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("lists, creates (signed POST body) and reads an enrollment", async () => {
    const empty = await runClient(emulator, "list");
    expect(empty).toMatchObject({ status: 200, body: { enrollments: [] } });
    expect(empty.type).toMatch(/^application\/vnd\.akamai\.cps\.enrollments\.v11\+json/);

    const created = await runClient(emulator, "create", JSON.stringify(ENROLLMENT));
    expect(created.status).toBe(202);
    const location = String(created.body?.enrollment);
    expect(location).toMatch(/\/cps\/v2\/enrollments\/\d+$/);

    const read = await runClient(emulator, "get", location.split("/").pop()!);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ csr: { cn: "interop.example.test" }, validationType: "dv" });
  });

  it("is refused with 401 when its credentials are wrong", async () => {
    const fs = await import("fs");
    const bad = fs.readFileSync(emulator.edgerc, "utf8").replace(/client_secret\s*=\s*\S+/, "client_secret = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    const badPath = `${emulator.edgerc}.bad`;
    fs.writeFileSync(badPath, bad);
    const result = await runClient({ ...emulator, edgerc: badPath }, "list");
    expect(result.status).toBe(401);
    expect(String(result.body?.type)).toMatch(/pep-authn\/deny$/);
  });
});
