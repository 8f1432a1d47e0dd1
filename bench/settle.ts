/**
 * Waits until the emulator has finished the background work seeding started: every seeded change
 * past the given statuses. CPS does that work on Akamai's machines; the in-process emulator does it
 * on the same 2 cores as the provider under test (an RSA key per change, in libuv's thread pool),
 * so timing a scenario before it is done measures the emulator, not the provider.
 */
import { z } from "zod";
import type { Admin } from "./admin";
import { mapLimit } from "./seed-enrollments";

const changeStatus = z.object({ status: z.string() });

export async function waitUntilChangesLeave(admin: Admin, changeIds: readonly number[], statuses: readonly string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...changeIds];
  for (;;) {
    const states = await mapLimit(pending, 16, async (id) => ({ id, status: (await admin("GET", `/changes/${id}`, changeStatus)).status }));
    pending = states.filter((s) => statuses.includes(s.status)).map((s) => s.id);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} seeded change(s) still in ${statuses.join("/")} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
