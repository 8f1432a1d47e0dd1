/**
 * Secure edge hostnames through the engine path: the hostname waits for the certificate on
 * production before PAPI is asked for it, becomes active, and a site's CNAME to it reaches the
 * production edge with a certificate a browser accepts. While the certificate is live on
 * production, deleting the edge hostname or the CNAME to it is refused (a destroy deletes them
 * before the Deployment) unless allowDeleteWhileDeployed is set. Deleting one an active property
 * uses is refused by Akamai and said so.
 */
import { promises as dns } from "node:dns";
import * as tls from "node:tls";
import { startTestStack, TestStack, enrollmentInputs, edgeRootsPem } from "./fixtures";

jest.setTimeout(120_000);

const ZONE = "edge.test";
type Challenges = Record<string, { recordName: string; value: string }>;
const EDGE_INPUTS = { contractId: "K-0N7RAK71", groupId: "grp_12345", productId: "prd_Fresca", domainPrefix: `www.${ZONE}`, timeout: "1m" };

function tlsHandshake(address: string, port: number, servername: string, ca: string): Promise<{ authorized: boolean; error?: string; names: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: address, port, servername, ca, rejectUnauthorized: false }, () => {
      const names = String(socket.getPeerCertificate().subjectaltname ?? "");
      resolve({ authorized: socket.authorized, error: socket.authorizationError ? String(socket.authorizationError) : undefined, names });
      socket.end();
    });
    socket.on("error", reject);
  });
}

describe("SecureEdgeHostname through the engine path", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ zones: [ZONE] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("rejects an Enhanced TLS edge hostname without an enrollment in Check, with no API call", async () => {
    const before = stack.emulator.stats().requests;
    const checked = await stack.driver.preview("SecureEdgeHostname", "no-cert", { ...EDGE_INPUTS, domainPrefix: "bad_name.edge.test" });
    expect(checked.failures.map((f) => f.property).sort()).toEqual(["domainPrefix", "enrollmentId"]);
    expect(checked.failures.find((f) => f.property === "enrollmentId")?.reason).toMatch(/enhanced-tls/);
    expect(stack.emulator.stats().requests).toBe(before);
  });

  it("waits for the certificate on production instead of creating an unusable edge hostname", async () => {
    const created = await stack.driver.up("Enrollment", "early", enrollmentInputs(ZONE, { commonName: `early.${ZONE}`, sans: [] }));
    if (created.op === "failed") throw new Error(created.message);
    const early = await stack.driver.up("SecureEdgeHostname", "early-edge", { ...EDGE_INPUTS, domainPrefix: `early.${ZONE}`, enrollmentId: stack.driver.outputs("early").enrollmentId as number, timeout: "3s" });
    expect(early.op).toBe("failed");
    if (early.op === "failed") expect(early.message).toMatch(/certificate of enrollment \d+ on production.*not on the production network yet.*\[EdgeHostnameWaitsForCertificate, see docs\/troubleshooting\.md#edge-hostname-waits-for-the-certificate\]/);
    // PAPI was never asked to create it
    expect(stack.emulator.edgeHostnames.list()).toEqual([]);
  });

  it("creates the edge hostname once the certificate is live, and the site's CNAME reaches the production edge", async () => {
    const created = await stack.driver.up("Enrollment", "www", enrollmentInputs(ZONE));
    if (created.op === "failed") throw new Error(created.message);
    const cert = stack.driver.outputs("www");
    for (const [domain, c] of Object.entries(cert.dnsChallenges as Challenges)) {
      const r = await stack.driver.up("EdgeDnsTxtRecord", `acme-${domain}`, { zone: ZONE, name: c.recordName, values: [c.value], ttl: 60 });
      expect(r.op).not.toBe("failed");
    }
    const enrollmentId = cert.enrollmentId as number;
    const validation = await stack.driver.up("DvValidation", "www-validation", { enrollmentId, timeout: "2m" });
    if (validation.op === "failed") throw new Error(validation.message);
    const deployment = await stack.driver.up("Deployment", "www-prod", { enrollmentId, network: "production", acknowledgeChangeManagement: true, timeout: "2m" });
    if (deployment.op === "failed") throw new Error(deployment.message);

    const edge = await stack.driver.up("SecureEdgeHostname", "www-edge", { ...EDGE_INPUTS, enrollmentId });
    if (edge.op === "failed") throw new Error(edge.message);
    const out = stack.driver.outputs("www-edge");
    expect(out.edgeHostname).toBe(`www.${ZONE}.edgekey.net`);
    expect(out.status).toBe("ACTIVE");
    expect(String(out.edgeHostnameId)).toMatch(/^ehn_\d+$/);
    expect(stack.driver.output.some((l) => l.includes("[cps] www-edge") && /waiting until it is active/.test(l))).toBe(true);

    const cname = await stack.driver.up("EdgeDnsCnameRecord", "www-cname", { zone: ZONE, name: `www.${ZONE}`, target: out.edgeHostname as string });
    if (cname.op === "failed") throw new Error(cname.message);

    // What a user checks: the name resolves through the CNAME, and TLS with SNI is trusted.
    const resolver = new dns.Resolver();
    resolver.setServers([stack.emulator.dns!]);
    expect(await resolver.resolveCname(`www.${ZONE}`)).toEqual([`www.${ZONE}.edgekey.net`]);
    const [address] = await resolver.resolve4(`www.${ZONE}`);
    const port = Number(stack.emulator.production!.split(":")[1]);
    const handshake = await tlsHandshake(address!, port, `www.${ZONE}`, edgeRootsPem(stack.emulator));
    expect(handshake).toMatchObject({ authorized: true });
    expect(handshake.names).toContain(`DNS:www.${ZONE}`);

    // No drift on the next preview
    await stack.driver.newRun();
    expect((await stack.driver.preview("SecureEdgeHostname", "www-edge", { ...EDGE_INPUTS, enrollmentId })).changes).toBe("none");
  });

  it("refuses to adopt an edge hostname of the same name that is not in this stack's state", async () => {
    const enrollmentId = stack.driver.outputs("www").enrollmentId as number;
    const twin = await stack.driver.up("SecureEdgeHostname", "twin-edge", { ...EDGE_INPUTS, enrollmentId });
    expect(twin.op).toBe("failed");
    if (twin.op === "failed") expect(twin.message).toMatch(/already exists \(ehn_\d+.*not in this stack's state.*\[EdgeHostnameExists\]/);
    expect(stack.emulator.edgeHostnames.list()).toHaveLength(1);
  });

  it("refuses to delete the CNAME to the edge hostname while the certificate is live, and deletes it once allowed", async () => {
    const enrollmentId = stack.driver.outputs("www").enrollmentId as number;
    const target = stack.driver.outputs("www-edge").edgeHostname as string;
    // Naming the enrollment the CNAME leads to is an update of the same record set, not a replacement.
    const guarded = await stack.driver.up("EdgeDnsCnameRecord", "www-cname", { zone: ZONE, name: `www.${ZONE}`, target, enrollmentId });
    expect(guarded.op).toBe("update");
    await expect(stack.driver.destroy("www-cname")).rejects.toThrow(
      new RegExp(`Enrollment ${enrollmentId} has a certificate live on the production network, so the CNAME www\\.edge\\.test to its edge hostname refuses to be deleted.*allowDeleteWhileDeployed: true.*DeleteRefusedWhileDeployed`, "s"),
    );
    const resolver = new dns.Resolver();
    resolver.setServers([stack.emulator.dns!]);
    expect(await resolver.resolveCname(`www.${ZONE}`)).toEqual([target]);

    expect((await stack.driver.up("EdgeDnsCnameRecord", "www-cname", { zone: ZONE, name: `www.${ZONE}`, target, enrollmentId, allowDeleteWhileDeployed: true })).op).toBe("update");
    await stack.driver.destroy("www-cname");
    await expect(resolver.resolveCname(`www.${ZONE}`)).rejects.toThrow();
  });

  it("refuses to delete the edge hostname while its certificate is live on production, and leaves it in place", async () => {
    const enrollmentId = stack.driver.outputs("www").enrollmentId as number;
    await expect(stack.driver.destroy("www-edge")).rejects.toThrow(
      new RegExp(`Enrollment ${enrollmentId} has a certificate live on the production network, so its edge hostname www\\.edge\\.test\\.edgekey\\.net refuses to be deleted.*allowDeleteWhileDeployed: true on the Certificate component.*DeleteRefusedWhileDeployed`, "s"),
    );
    expect(stack.emulator.edgeHostnames.list()).toHaveLength(1);
    // Allowing it is an update (no new edge hostname), after which Akamai's own rules apply.
    const allowed = await stack.driver.up("SecureEdgeHostname", "www-edge", { ...EDGE_INPUTS, enrollmentId, allowDeleteWhileDeployed: true });
    expect(allowed.op).toBe("update");
    expect(stack.emulator.edgeHostnames.list()).toHaveLength(1);
  });

  it("explains Akamai's refusal to delete an edge hostname an active property uses, and deletes it once released", async () => {
    const [record] = stack.emulator.edgeHostnames.list();
    stack.emulator.edgeHostnames.setInUse(record!.id, true);
    await expect(stack.driver.destroy("www-edge")).rejects.toThrow(/used by an active property.*remove it from the property's hostnames.*\[EdgeHostnameInUse\]/s);
    expect(stack.emulator.edgeHostnames.list()).toHaveLength(1);
    stack.emulator.edgeHostnames.setInUse(record!.id, false);
    await stack.driver.destroy("www-edge");
    expect(stack.emulator.edgeHostnames.list()).toEqual([]);
    await stack.driver.newRun();
  });
});
