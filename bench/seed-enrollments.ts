/** Creates many enrollments fast, straight through the API with an unthrottled client (setup, not measured). */
import type { RunningEmulator } from "../emulator";
import { CpsClient } from "../provider/cps";
import { enrollmentInputsSchema } from "../provider/resources/enrollment-inputs";
import { enrollmentRequest } from "../provider/resources/enrollment-spec";
import { enrollmentInputs } from "./profile";

export interface Seeded {
  inputs: ReturnType<typeof enrollmentInputs>;
  enrollmentId: number;
  changeId: number;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
    }),
  );
  return out;
}

/** `count` single-name DV enrollments spread round-robin over `contracts`. */
export async function seedEnrollments(emu: RunningEmulator, count: number, contracts: readonly string[], prefix: string): Promise<Seeded[]> {
  const client = CpsClient.create({ edgercPath: emu.edgerc, section: emu.section, caCertPem: emu.caCertPem, rateLimit: { requests: 1_000_000, perMs: 1000 } });
  try {
    return await mapLimit(Array.from({ length: count }, (_, i) => i), 16, async (i) => {
      const zone = `${prefix}${i}.bench.test`;
      const inputs = enrollmentInputs(zone, contracts[i % contracts.length], zone, []);
      const created = await client.createEnrollment({ contractId: inputs.contractId, enrollment: enrollmentRequest(enrollmentInputsSchema.parse(inputs), { includeMutualAuth: false }) });
      return { inputs, enrollmentId: created.enrollmentId, changeId: Math.max(...created.changeIds) };
    });
  } finally {
    client.close();
  }
}
