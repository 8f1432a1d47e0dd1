/**
 * The Certificate component as a user runs it (a whole program through the local engine's CLI):
 * from nothing to a TLS handshake through the site's CNAME, with Edge DNS records, staging first,
 * production and a secure edge hostname — then destroy removes what it created.
 */
import { promises as dns } from "node:dns";
import * as fs from "fs";
import * as path from "path";
import * as tls from "node:tls";
import { killAllEngines, runEngineCommand, type EngineRunOptions } from "./engine-child";
import { EmulatorWorld, ensureSelfLink, readState, resourceTypes, stackOutputs } from "./emulator-world";
import { expectExit } from "../support/expect-exit";

jest.setTimeout(180_000);

const ZONE = "component.test";


function handshake(address: string, port: number, servername: string, ca: string): Promise<{ authorized: boolean; names: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: address, port, servername, ca, rejectUnauthorized: false }, () => {
      resolve({ authorized: socket.authorized, names: String(socket.getPeerCertificate().subjectaltname ?? "") });
      socket.end();
    });
    socket.on("error", reject);
  });
}

let world: EmulatorWorld;
let stack: EngineRunOptions;

beforeAll(async () => {
  ensureSelfLink();
  world = await EmulatorWorld.start();
  await world.createZone(ZONE);
  stack = world.stack({ program: path.join(__dirname, "fixtures", "certificate-component"), stack: "component", namespace: "certificate-component", zone: ZONE });
});

afterAll(async () => {
  await killAllEngines();
  await world?.stop();
});

describe("the Certificate component", () => {
  it("takes a certificate from nothing to a trusted TLS handshake through the site's CNAME", async () => {
    const up = await runEngineCommand("up", stack);
    expectExit(up, 0);
    const state = readState(stack.stateFile);
    expect(resourceTypes(state)).toEqual(["Deployment", "DvValidation", "EdgeDnsCnameRecord", "EdgeDnsTxtRecord", "EdgeDnsTxtRecord", "Enrollment", "SecureEdgeHostname"]);
    // the parts are children of the component, so the CLI shows them grouped under it
    expect(state.resources.some((r) => r.type === "akamai-cps:index:Certificate")).toBe(true);
    const outputs = stackOutputs(state);
    expect(outputs.phase).toBe("OnProduction");
    expect(outputs.edgeHostname).toBe(`www.${ZONE}.edgekey.net`);
    // the data functions read CPS from the program with the stack's settings
    expect(outputs.pendingAfterUp).toBeNull();
    expect(outputs.productionKeyAlgorithm).toBe("RSA");
    expect(outputs.contractNames).toContain(`www.${ZONE}`);
    expect(outputs.enrollmentCommonName).toBe(`www.${ZONE}`);

    const resolver = new dns.Resolver();
    resolver.setServers([world.emulator.dns!]);
    expect(await resolver.resolveCname(`www.${ZONE}`)).toEqual([`www.${ZONE}.edgekey.net`]);
    const [address] = await resolver.resolve4(`www.${ZONE}`);
    const port = Number(world.emulator.production!.split(":")[1]);
    const result = await handshake(address!, port, `www.${ZONE}`, fs.readFileSync(world.emulator.edgeRoots!, "utf8"));
    expect(result.authorized).toBe(true);
    expect(result.names).toContain(`DNS:www.${ZONE}`);

    const preview = await runEngineCommand("preview", stack);
    expectExit(preview, 0);
    expect(preview.output).not.toMatch(/^ {2}(\+-|\+|~|-) /m);
  });

  it("destroy removes the edge hostname, the CNAME, the records and the enrollment when allowDeleteWhileDeployed is set", async () => {
    const destroy = await runEngineCommand("destroy", stack);
    expectExit(destroy, 0);
    // The component passed its allowDeleteWhileDeployed to the CNAME and the edge hostname, which
    // otherwise refuse while the certificate is live (the quickstart tests show the refusal).
    expect(destroy.output).not.toMatch(/DeleteRefusedWhileDeployed/);
    const resolver = new dns.Resolver();
    resolver.setServers([world.emulator.dns!]);
    await expect(resolver.resolveCname(`www.${ZONE}`)).rejects.toThrow();
    expect(world.emulator.edgeHostnames.list()).toEqual([]);
    expect(await world.enrollmentsFor(`www.${ZONE}`)).toEqual([]);
    expect(await world.txtRecords(ZONE)).toEqual([]);
  });
});
