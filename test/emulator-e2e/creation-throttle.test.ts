/**
 * Akamai: one certificate can be created every five minutes per account; another creation for the
 * same contract inside the window answers 409 (akamai-apis apis/cps/v2/newer/paths/enrollments.yaml).
 * The emulator does this by default; the client queues creations per account and waits for the next
 * slot, saying when it opens, instead of failing.
 */
import { startEmulator, type RunningEmulator } from "../../emulator";
import { CpsClient, enrollmentRequestSchema } from "../../provider/cps";
import { dvEnrollment, FAST_STEPS } from "../emulator/harness";

let emulator: RunningEmulator;
let client: CpsClient;
const messages: string[] = [];
beforeAll(async () => {
  // 300 emulator ms per real ms: the five-minute window lasts one real second.
  emulator = await startEmulator({ timeScale: 300, stepDurations: FAST_STEPS });
  client = CpsClient.create({
    edgercPath: emulator.edgerc,
    section: emulator.section,
    caCertPem: emulator.caCertPem,
    env: {},
    rateLimit: { requests: 10_000, perMs: 1000 },
    creationWindowMs: 1000,
    log: (level, message) => {
      if (level !== "debug") messages.push(message);
    },
  });
});
afterAll(async () => {
  client?.close();
  await emulator?.stop();
});

it("is on by default in the emulator, and the client waits for the next slot instead of failing", async () => {
  const create = (cn: string) => client.createEnrollment({ contractId: "K-THROTTLE", enrollment: enrollmentRequestSchema.parse(dvEnrollment(cn)) });
  const [first, second] = await Promise.all([create("one.throttle.test"), create("two.throttle.test")]);
  expect(first.enrollmentId).not.toBe(second.enrollmentId);
  expect(messages.some((m) => /409 \(creation throttle\).*next creation slot opens at \d{4}-\d{2}-\d{2}T/.test(m))).toBe(true);
  expect(emulator.stats().byOperation["post-enrollment"]).toBeGreaterThanOrEqual(3); // the second was refused at least once
  expect((await client.listEnrollments("K-THROTTLE")).map((e) => e.csr.cn).sort()).toEqual(["one.throttle.test", "two.throttle.test"]);
});
