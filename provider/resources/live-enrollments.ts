/**
 * Preview-time drift detection must not cost one GET per resource: a stack with 500 certificates
 * would take minutes and burn the account's rate limit. All Enrollment diffs in one provider process
 * share one `GET /enrollments?contractId=` per contract, cached briefly and dropped whenever this
 * process changes an enrollment of that contract.
 */
import type { CpsClient, Enrollment } from "../cps";

const TTL_MS = 15_000;

interface Entry {
  at: number;
  byId: Promise<Map<number, Enrollment>>;
}

const cache = new WeakMap<CpsClient, Map<string, Entry>>();

function entriesFor(client: CpsClient): Map<string, Entry> {
  let m = cache.get(client);
  if (!m) {
    m = new Map();
    cache.set(client, m);
  }
  return m;
}

/** The live enrollments of a contract, by id (one list call per contract per TTL, shared). */
export function liveEnrollments(client: CpsClient, contractId: string, now = Date.now()): Promise<Map<number, Enrollment>> {
  const entries = entriesFor(client);
  const hit = entries.get(contractId);
  if (hit && now - hit.at < TTL_MS) return hit.byId;
  const byId = client.listEnrollments(contractId).then((list) => new Map(list.map((e) => [e.id, e] as const)));
  entries.set(contractId, { at: now, byId });
  // A failed list must not be cached.
  byId.catch(() => {
    if (entries.get(contractId)?.byId === byId) entries.delete(contractId);
  });
  return byId;
}

export function invalidateLiveEnrollments(client: CpsClient, contractId: string): void {
  entriesFor(client).delete(contractId);
}
