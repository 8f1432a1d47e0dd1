/**
 * The data functions (`getPendingChange`, `getEnrollment`, `getEnrollments`, `getDeployments`) as a
 * user runs them: a whole program through the local engine's CLI that declares nothing and only
 * reads an enrollment made outside Pulumi, whose change waits for its pre-verification warnings to
 * be acknowledged. A user reads these warnings' IDs to write a `preVerificationWarnings` allow-list,
 * and does so in `pulumi preview` before anything is in the state. Needs dist/ (`npm test` builds it first).
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { CpsClient, enrollmentRequestSchema } from "../../provider/cps";
import { dvEnrollment, FAST_STEPS } from "../emulator/harness";
import { killAllEngines, runEngineCommand, type EngineRunOptions } from "./engine-child";
import { EmulatorWorld, ensureSelfLink, readState, stackOutputs } from "./emulator-world";
import { waitFor } from "./wait";
import { expectExit } from "../support/expect-exit";

jest.setTimeout(120_000);

const CONTRACT = "K-DATAFN";
const REVIEW = "wait-review-pre-verification-safety-checks";
// The texts CPS sends for these two warnings: Akamai's templates (data/cps-warnings.json) filled in.
const EXPECTED_WARNINGS = [
  { id: "SNI_DNS_OVERLAP", known: true, message: "Name [shop.datafn.test] is overlapping DNS name of one or more enrollments." },
  { id: "OVERLAPPING_TRAFFIC_CLASS", known: true, message: "The following domain(s) overlap domains on another certificate: legacy.datafn.test." },
];


/** The `Outputs:` block the engine prints (`    name: <json>`), which is all a preview leaves behind. */
function printedOutputs(output: string): Record<string, unknown> {
  const block = output.split("\nOutputs:\n")[1];
  if (block === undefined) throw new Error(`no Outputs block in:\n${output}`);
  const outputs: Record<string, unknown> = {};
  for (const line of block.split("\n")) {
    const m = /^ {4}(\w+)\s*: (.*)$/.exec(line);
    if (!m) break;
    outputs[m[1]!] = JSON.parse(m[2]!);
  }
  return outputs;
}

const statsSchema = z.object({ requests: z.number(), byOperation: z.record(z.string(), z.number()) });
const faultsSchema = z.object({ injected: z.object({ warningInfo404: z.number() }) });

let world: EmulatorWorld;
let client: CpsClient;
let stack: EngineRunOptions;
let enrollmentId: number;
let changeId: number;

async function enroll(cn: string, sans: string[], secureNetwork: "enhanced-tls" | "standard-tls"): Promise<{ enrollmentId: number; changeId: number }> {
  const base = dvEnrollment(cn, sans);
  const request = enrollmentRequestSchema.parse({ ...base, networkConfiguration: { ...(base.networkConfiguration as Record<string, unknown>), secureNetwork } });
  const created = await client.createEnrollment({ contractId: CONTRACT, enrollment: request });
  return { enrollmentId: created.enrollmentId, changeId: created.changeIds[0]! };
}

beforeAll(async () => {
  ensureSelfLink();
  world = await EmulatorWorld.start({ stepDurations: FAST_STEPS });
  const e = world.emulator;
  client = CpsClient.create({ edgercPath: e.edgerc, section: e.section, caCertPem: e.caCertPem, env: {}, rateLimit: { requests: 10_000, perMs: 1000 }, requestTimeoutMs: 10_000 });
  // Made outside the program, as in Control Center: two certificates holding names, then a third
  // adding both names, on the same network (SNI_DNS_OVERLAP) and across networks (OVERLAPPING_TRAFFIC_CLASS).
  await enroll("shop.datafn.test", [], "enhanced-tls");
  await enroll("legacy.datafn.test", [], "standard-tls");
  ({ enrollmentId, changeId } = await enroll("www.datafn.test", ["shop.datafn.test", "legacy.datafn.test"], "enhanced-tls"));
  await waitFor(`change ${changeId} to wait for its pre-verification warnings`, async () => ((await world.changeStatus(changeId)) === REVIEW ? true : undefined), 20_000);
  stack = world.stack({ program: path.join(__dirname, "fixtures", "data-functions"), stack: "reader", namespace: "data-functions", zone: "datafn.test" });
  fs.appendFileSync(stack.configFile, `  data-functions:enrollmentId: "${enrollmentId}"\n  data-functions:contractId: "${CONTRACT}"\n`);
});

afterAll(async () => {
  await killAllEngines();
  client?.close();
  await world?.stop();
});

function expectPendingWarnings(outputs: Record<string, unknown>): void {
  expect(outputs.pendingStatus).toBe(REVIEW);
  expect(outputs.pendingState).toBe("awaiting-input");
  expect(outputs.allowedInputs).toEqual(["pre-verification-warnings-acknowledgement"]);
  expect(outputs.warnings).toEqual(EXPECTED_WARNINGS);
  expect(outputs.warningIdsFromPromise).toEqual(EXPECTED_WARNINGS.map((w) => w.id));
  expect(outputs.commonName).toBe("www.datafn.test");
  expect(outputs.contractCommonNames).toEqual(["legacy.datafn.test", "shop.datafn.test", "www.datafn.test"]);
  expect(outputs.deployments).toEqual({ production: null, staging: null });
}

describe("data functions in a program that only reads", () => {
  it("a first preview shows the pending change's status, inputs and warning IDs live, and writes no state", async () => {
    await world.admin("DELETE", "/stats");
    const preview = await runEngineCommand("preview", stack);
    expectExit(preview, 0);
    expectPendingWarnings(printedOutputs(preview.output));
    expect(preview.output).toMatch(/^Resources: no changes$/m);
    // nothing in state: a preview writes no state file at all
    expect(fs.existsSync(stack.stateFile)).toBe(false);
    // the values came from CPS during the preview (with the stack's credentials), by reads only
    const { byOperation } = statsSchema.parse(await world.admin("GET", "/stats"));
    expect(byOperation["get-enrollment"]).toBeGreaterThanOrEqual(1);
    expect(byOperation["get-enrollment-change"]).toBeGreaterThanOrEqual(1);
    expect(byOperation["get-change-allowed-input-param"]).toBeGreaterThanOrEqual(1);
    expect(byOperation["get-enrollments"]).toBe(1);
    expect(Object.keys(byOperation).filter((op) => !op.startsWith("get-"))).toEqual([]);
    // reading the warnings acknowledged nothing: the change still waits for the user
    expect(await world.changeStatus(changeId)).toBe(REVIEW);
  });

  it("up exports the same values and leaves no resource in the state", async () => {
    const up = await runEngineCommand("up", stack);
    expectExit(up, 0);
    const state = readState(stack.stateFile);
    expect(state.resources.filter((r) => r.custom)).toEqual([]);
    expect(state.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
    expectPendingWarnings(stackOutputs(state));
    expect(await world.changeStatus(changeId)).toBe(REVIEW);
  });

  it("reads the warnings again when CPS answers 404 on them while the change still asks for them (terraform-provider-akamai#648)", async () => {
    await world.admin("PUT", "/faults", { warningInfo404: { reads: 2 } });
    try {
      const preview = await runEngineCommand("preview", stack);
      expectExit(preview, 0);
      expectPendingWarnings(printedOutputs(preview.output));
      expect(faultsSchema.parse(await world.admin("GET", "/faults")).injected.warningInfo404).toBe(2);
    } finally {
      await world.admin("PUT", "/faults", { warningInfo404: { reads: 0 } });
    }
  });
});
