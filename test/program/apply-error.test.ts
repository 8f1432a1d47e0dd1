/**
 * A program error and how long it takes to appear (issue #20, item 2). A program whose `apply`
 * throws used to make `up` sit for minutes at gigabytes of memory before printing the error. The
 * cause is outside this package (docs/troubleshooting.md#a-program-error-takes-minutes-to-appear):
 * the SDK prints the error with `util.inspect(err, { colors: true })`, and Node.js's colouring
 * loops on the SDK's own source-mapped frames (`node_modules/@pulumi/output.ts`, nodejs/node#64011)
 * until the string it builds overflows. This test holds the documented workaround to its word:
 * with `NODE_OPTIONS=--stack-trace-limit=1` the engine exits non-zero with the TypeError well
 * within a minute. Needs dist/ (`npm test` builds it first).
 */
import * as path from "path";
import { killAllEngines, runEngineCommand } from "./engine-child";
import { EmulatorWorld, ensureSelfLink } from "./emulator-world";

const ZONE = "apply-error.test";
/** Generous for a loaded 2-core machine; without the workaround the error takes minutes. */
const DEADLINE_MS = 60_000;

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

describe("a program that throws inside apply, with the documented NODE_OPTIONS", () => {
  it("makes up exit non-zero with the error and the program line, within a minute", async () => {
    const stack = {
      ...world.stack({ program: path.join(__dirname, "fixtures", "apply-error"), stack: "apply-error", namespace: "apply-error", zone: ZONE }),
      env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, "--stack-trace-limit=1"].filter(Boolean).join(" ") },
    };
    const started = Date.now();
    // runEngineCommand rejects (and kills the engine's process group) if the deadline passes first.
    const up = await runEngineCommand("up", stack, DEADLINE_MS);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain("Cannot read properties of undefined (reading 'recordName')");
    expect(up.output).toMatch(/fixtures\/apply-error\/.*index\.ts:\d+:\d+/);
  }, DEADLINE_MS + 60_000);
});
