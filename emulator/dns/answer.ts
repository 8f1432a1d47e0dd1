/**
 * The authoritative answer logic, independent of transport: which records, which rcode, AA set.
 * NXDOMAIN only when nothing exists at or below the name; NOERROR with no answers (NODATA) when
 * the name exists without the asked type; CNAMEs are followed inside our own zones.
 */
import * as dnsPacket from "dns-packet";
import type { Answer, Packet, Question } from "dns-packet";
import { normalizeName } from "./names";
import { toAnswer } from "./rdata";
import type { InMemoryZoneStore } from "./zone-store";

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

function answersFor(store: InMemoryZoneStore, name: string, type: string): Answer[] {
  const record = store.get(name, type);
  if (!record) return [];
  return record.rdata.map((rdata) => toAnswer(name, type, record.ttl, rdata)).filter((answer): answer is Answer => answer !== undefined);
}

function soaAuthority(store: InMemoryZoneStore, zone: string): Answer[] {
  return answersFor(store, zone, "SOA");
}

export function answerQuestion(store: InMemoryZoneStore, question: Question): { rcode: number; answers: Answer[]; authorities: Answer[] } {
  let name = normalizeName(question.name);
  const type = String(question.type).toUpperCase();
  const zone = store.zoneFor(name);
  if (!zone) return { rcode: RCODE.REFUSED, answers: [], authorities: [] };

  const answers: Answer[] = [];
  // Follow CNAMEs within our zones (bounded, so a CNAME loop cannot spin).
  for (let hops = 0; hops < 8; hops += 1) {
    const direct = type === "ANY" ? ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SOA", "CAA", "SRV"].flatMap((each) => answersFor(store, name, each)) : answersFor(store, name, type);
    if (direct.length > 0) return { rcode: RCODE.NOERROR, answers: [...answers, ...direct], authorities: [] };
    const cname = type === "CNAME" ? [] : answersFor(store, name, "CNAME");
    const target = cname[0] && cname[0].type === "CNAME" ? normalizeName(cname[0].data) : undefined;
    if (!target) break;
    answers.push(...cname);
    if (!store.zoneFor(target)) return { rcode: RCODE.NOERROR, answers, authorities: [] };
    name = target;
  }
  const currentZone = store.zoneFor(name) ?? zone;
  if (answers.length > 0 || store.nameExists(name)) return { rcode: RCODE.NOERROR, answers, authorities: soaAuthority(store, currentZone) };
  return { rcode: RCODE.NXDOMAIN, answers, authorities: soaAuthority(store, currentZone) };
}

/** Build the response packet for a decoded query. */
export function respond(store: InMemoryZoneStore, query: Packet): Packet {
  const question = query.questions?.[0];
  const requestedRecursion = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  if (!question) return { type: "response", id: query.id, flags: requestedRecursion | RCODE.FORMERR, questions: [] };
  const { rcode, answers, authorities } = answerQuestion(store, question);
  const authoritative = rcode === RCODE.REFUSED ? 0 : dnsPacket.AUTHORITATIVE_ANSWER;
  return { type: "response", id: query.id, flags: authoritative | requestedRecursion | rcode, questions: [question], answers, authorities };
}
