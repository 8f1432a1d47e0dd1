/**
 * The zones the emulator's authoritative DNS server answers for, held in memory. Names are
 * case-insensitive (stored lower case, no trailing dot); rdata stays in presentation format, the
 * way the Edge DNS API exchanges it. Creating a zone gives it an SOA and NS at the apex.
 */
import type { DnsRecordSet, DnsZoneStore } from "../seams";
import { isInZone, normalizeName } from "./names";
import { normalizeRdata } from "./rdata";

export interface ZoneStoreOptions {
  /** Name server host put in SOA/NS (default `ns1.cps-emulator.invalid`). */
  nameServer?: string;
}

export interface InMemoryZoneStore extends DnsZoneStore {
  /** Remove a zone and its records. */
  deleteZone(zone: string): boolean;
  /** True when some record exists at or below `name` (an empty non-terminal is not NXDOMAIN). */
  nameExists(name: string): boolean;
}

const key = (name: string, type: string): string => `${name}\u0000${type}`;

export function createZoneStore(options: ZoneStoreOptions = {}): InMemoryZoneStore {
  const nameServer = normalizeName(options.nameServer ?? "ns1.cps-emulator.invalid");
  const zones = new Set<string>();
  const records = new Map<string, DnsRecordSet>();

  function zoneFor(name: string): string | undefined {
    const normalized = normalizeName(name);
    let best: string | undefined;
    for (const zone of zones) if (isInZone(normalized, zone) && (!best || zone.length > best.length)) best = zone;
    return best;
  }

  const store: InMemoryZoneStore = {
    createZone(zone: string): void {
      const name = normalizeName(zone);
      if (!name) throw new Error("a zone needs a name");
      if (zones.has(name)) return;
      zones.add(name);
      records.set(key(name, "SOA"), { name, type: "SOA", ttl: 86400, rdata: [`${nameServer}. hostmaster.${name}. 1 3600 600 604800 300`] });
      records.set(key(name, "NS"), { name, type: "NS", ttl: 86400, rdata: [`${nameServer}.`] });
    },
    hasZone: (zone) => zones.has(normalizeName(zone)),
    listZones: () => [...zones].sort(),
    zoneFor,
    deleteZone(zone: string): boolean {
      const name = normalizeName(zone);
      if (!zones.delete(name)) return false;
      for (const [recordKey, record] of records) if (zoneFor(record.name) === undefined) records.delete(recordKey);
      return true;
    },
    get(name, type) {
      const record = records.get(key(normalizeName(name), type.toUpperCase()));
      return record ? { ...record, rdata: [...record.rdata] } : undefined;
    },
    list(zone) {
      const name = normalizeName(zone);
      return [...records.values()].filter((record) => zoneFor(record.name) === name).map((record) => ({ ...record, rdata: [...record.rdata] }));
    },
    upsert(record) {
      const name = normalizeName(record.name);
      const type = record.type.toUpperCase();
      if (!zoneFor(name)) throw new Error(`no zone contains ${name}`);
      records.set(key(name, type), { name, type, ttl: record.ttl, rdata: record.rdata.map((value) => normalizeRdata(type, value)) });
    },
    delete: (name, type) => records.delete(key(normalizeName(name), type.toUpperCase())),
    nameExists(name) {
      const normalized = normalizeName(name);
      for (const record of records.values()) if (record.name === normalized || record.name.endsWith("." + normalized)) return true;
      return false;
    },
  };
  return store;
}
