/**
 * Create-or-replace of one Edge DNS record set, and where a stored record lives, shared by the record resources. Writing a record set
 * is idempotent in effect, so a transient failure (5xx, 429, reset: the client does not retry POSTs)
 * is retried after reading what exists, which also decides between create and replace.
 */
import { retrying, type EdgeDnsApi, type RecordSet } from "../cps";
import { isTransient } from "../lifecycle/transient";

const WRITE_ATTEMPTS = 4;

export async function writeRecordSet(dns: EdgeDnsApi, zone: string, recordSet: RecordSet): Promise<void> {
  await retrying(
    async () => {
      const existing = await dns.getRecordSet(zone, recordSet.name, recordSet.type);
      if (existing) await dns.updateRecordSet(zone, recordSet);
      else await dns.createRecordSet(zone, recordSet);
    },
    { attempts: WRITE_ATTEMPTS, retryOn: isTransient, delayMs: (attempt) => 250 * 2 ** attempt * Math.random() },
  );
}

/** The zone and name of a stored record: from state, else from the id `zone/name/TYPE`. */
export function locateRecord(id: string, props: { zone?: unknown; name?: unknown }): { zone: string; name: string } {
  const [zone, name] = id.split("/");
  return { zone: String(props.zone ?? zone), name: String(props.name ?? name) };
}
