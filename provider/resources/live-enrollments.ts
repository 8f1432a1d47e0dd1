/**
 * Preview-time drift detection must not cost one GET per resource: a stack with 500 certificates
 * would take minutes and burn the account's rate limit. All Enrollment diffs in one provider process
 * share one `GET /enrollments?contractId=` per contract, cached briefly and dropped whenever this
 * process changes an enrollment of that contract.
 */
import type { CpsApi, Enrollment } from "../cps";
import { rememberContractList } from "../lifecycle/contract-watch";

const TTL_MS = 15_000;

interface Entry {
  at: number;
  byId: Promise<Map<number, Enrollment>>;
}

const cache = new WeakMap<CpsApi, Map<string, Entry>>();
/** Every enrollment seen in a list, by id: DvValidation and Deployment diffs (which know no contract) read it. */
const seen = new WeakMap<CpsApi, Map<number, { at: number; enrollment: Enrollment }>>();

function seenFor(client: CpsApi): Map<number, { at: number; enrollment: Enrollment }> {
  let m = seen.get(client);
  if (!m) {
    m = new Map();
    seen.set(client, m);
  }
  return m;
}

function entriesFor(client: CpsApi): Map<string, Entry> {
  let m = cache.get(client);
  if (!m) {
    m = new Map();
    cache.set(client, m);
  }
  return m;
}

/** The live enrollments of a contract, by id (one list call per contract per TTL, shared). */
export function liveEnrollments(client: CpsApi, contractId: string, now = Date.now()): Promise<Map<number, Enrollment>> {
  const entries = entriesFor(client);
  const hit = entries.get(contractId);
  if (hit && now - hit.at < TTL_MS) return hit.byId;
  const byId = client.listEnrollments(contractId).then((list) => {
    const recent = seenFor(client);
    for (const e of list) recent.set(e.id, { at: now, enrollment: e });
    // Waits on these enrollments (which know no contract) can share this contract's list from now on.
    rememberContractList(client, contractId, list);
    return new Map(list.map((e) => [e.id, e] as const));
  });
  entries.set(contractId, { at: now, byId });
  // A failed list must not be cached.
  byId.catch(() => {
    if (entries.get(contractId)?.byId === byId) entries.delete(contractId);
  });
  return byId;
}

export function invalidateLiveEnrollments(client: CpsApi, contractId: string): void {
  entriesFor(client).delete(contractId);
  seen.delete(client);
}

/**
 * One enrollment, live: from a list this process fetched moments ago (during preview the Enrollment
 * diffs run first and fetch their contract's list), else one GET.
 */
export async function liveEnrollment(client: CpsApi, enrollmentId: number, now = Date.now()): Promise<Enrollment> {
  const hit = seenFor(client).get(enrollmentId);
  if (hit && now - hit.at < TTL_MS) return hit.enrollment;
  return client.getEnrollment(enrollmentId);
}
