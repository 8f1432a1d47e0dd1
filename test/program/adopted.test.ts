/**
 * The README's import path, as a whole program run by the local engine: an `Enrollment` adopting an
 * enrollment that is already issued and deployed (`adoptEnrollmentId`), with the README's records
 * `cert.dnsChallenges.apply(c => c[d].recordName)`. CPS offers no challenges for it, so before the
 * outputs kept an entry per name this program crashed inside `apply` (`TypeError: … reading
 * 'recordName'`). Needs dist/ (`npm test` builds it first).
 */
import * as fs from "fs";
import * as path from "path";
import { killAllEngines, runEngineCommand } from "./engine-child";
import { EmulatorWorld, ensureSelfLink, readState, stackOutputs } from "./emulator-world";
import { expectExit } from "../support/expect-exit";

const ZONE = "adopt.test";


let world: EmulatorWorld;

beforeAll(async () => {
  ensureSelfLink();
  world = await EmulatorWorld.start();
  await world.createZone(ZONE);
});

afterAll(async () => {
  await killAllEngines();
  await world?.stop();
});

describe("adopting an issued certificate with the README's program", () => {
  it("runs the documented record pattern with nothing to publish, and dnsChallengeFor says so", async () => {
    // An enrollment issued and deployed by another stack: its challenges are long gone.
    const issued = world.stack({ program: path.join(__dirname, "fixtures", "destroyable"), stack: "issued", namespace: "destroyable-certificate", zone: ZONE });
    expectExit(await runEngineCommand("up", issued, 90_000), 0);
    const enrollmentId = stackOutputs(readState(issued.stateFile)).enrollmentId as number;

    const adopted = world.stack({ program: path.join(__dirname, "fixtures", "adopted"), stack: "adopted", namespace: "adopted-certificate", zone: ZONE });
    fs.appendFileSync(adopted.configFile, `  adopted-certificate:enrollmentId: "${enrollmentId}"\n`);
    const up = await runEngineCommand("up", adopted, 90_000);
    expectExit(up, 0);
    expect(up.output).not.toContain("TypeError");

    const outputs = stackOutputs(readState(adopted.stateFile));
    expect(outputs.enrollmentId).toBe(enrollmentId);
    expect(outputs.serialNumber).toMatch(/^[0-9a-f:]{8,}$/i);
    expect(outputs.challengeFor).toMatchObject({ recordName: `_acme-challenge.${ZONE}`, nothingToPublish: true });
    // Only one enrollment holds the names: adopting created nothing.
    expect((await world.enrollmentsFor(`www.${ZONE}`)).map((e) => e.id)).toEqual([enrollmentId]);
  }, 200_000);
});

