/**
 * The Akamai Edge DNS (config-dns v2) request shapes the emulator supports, as a pure handler the
 * API server mounts behind its EdgeGrid check: zone creation and record sets by name and type.
 * Errors are problem+json objects shaped like Akamai's (type, title, detail, status).
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import type { DnsRecordSet } from "../seams";
import { isInZone, normalizeName } from "./names";
import type { InMemoryZoneStore } from "./zone-store";

export interface EdgeDnsResponse {
  status: number;
  /** `application/json`, or `application/problem+json` for errors; absent with 204. */
  contentType?: string;
  body?: unknown;
}

const PROBLEM_BASE = "https://problems.luna.akamaiapis.net/config-dns/v2";

function problem(status: number, kind: string, title: string, detail: string, instance: string): EdgeDnsResponse {
  return { status, contentType: "application/problem+json", body: { type: `${PROBLEM_BASE}/${kind}`, title, detail, status, instance } };
}

function ok(status: number, body?: unknown): EdgeDnsResponse {
  return body === undefined ? { status } : { status, contentType: "application/json", body };
}

const recordSetBody = z
  .object({
    name: z.string().min(1),
    type: z.string().min(1),
    ttl: z.number().int().min(0).max(2147483647),
    rdata: z.array(z.string().min(1)).min(1),
  })
  .strict();

const zoneBody = z
  .object({
    zone: z.string().min(1),
    type: z.string().refine((value) => value.toLowerCase() === "primary", { message: "the emulator only hosts primary zones" }),
    comment: z.string().optional(),
    signAndServe: z.boolean().optional(),
  })
  .strict();

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
}

/** Type-specific checks a real authoritative API makes before accepting rdata. */
function rdataProblem(type: string, rdata: string[]): string | undefined {
  if (type === "A") return rdata.find((value) => !isIPv4(value)) && `A rdata must be IPv4 addresses, got ${JSON.stringify(rdata)}`;
  if (type === "AAAA") return rdata.find((value) => !isIPv6(value)) && `AAAA rdata must be IPv6 addresses, got ${JSON.stringify(rdata)}`;
  if (type === "CNAME" && rdata.length !== 1) return "a CNAME record set holds exactly one target";
  return undefined;
}

function zoneView(zone: string, contractId?: string): Record<string, unknown> {
  return { zone, type: "PRIMARY", activationState: "ACTIVE", ...(contractId ? { contractId } : {}) };
}

/**
 * Handle one Edge DNS request. `pathAndQuery` is the raw request target (e.g.
 * `/config-dns/v2/zones/example.com/names/_acme-challenge.example.com/types/TXT`); `body` is the
 * parsed JSON body (undefined when none).
 */
export function handleEdgeDnsRequest(store: InMemoryZoneStore, method: string, pathAndQuery: string, body: unknown): EdgeDnsResponse {
  const url = new URL(pathAndQuery, "http://edge-dns.invalid");
  const instance = url.pathname;
  const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const verb = method.toUpperCase();
  if (segments[0] !== "config-dns" || segments[1] !== "v2" || segments[2] !== "zones") return problem(404, "not-found", "Not Found", `No Edge DNS resource at ${instance}`, instance);

  // /config-dns/v2/zones
  if (segments.length === 3) {
    if (verb === "GET") return ok(200, { metadata: { totalElements: store.listZones().length }, zones: store.listZones().map((zone) => zoneView(zone)) });
    if (verb !== "POST") return problem(405, "method-not-allowed", "Method Not Allowed", `${verb} is not supported on ${instance}`, instance);
    const contractId = url.searchParams.get("contractId");
    if (!contractId) return problem(400, "bad-request", "Bad Request", "The contractId query parameter is required to create a zone", instance);
    const parsed = zoneBody.safeParse(body);
    if (!parsed.success) return problem(400, "bad-request", "Bad Request", `Invalid zone: ${issues(parsed.error)}`, instance);
    const zone = normalizeName(parsed.data.zone);
    if (store.hasZone(zone)) return problem(409, "conflict", "Conflict", `Zone ${zone} already exists`, instance);
    store.createZone(zone);
    return ok(201, { ...zoneView(zone, contractId), ...(parsed.data.comment ? { comment: parsed.data.comment } : {}) });
  }

  const zone = normalizeName(segments[3] ?? "");
  if (!store.hasZone(zone)) return problem(404, "not-found", "Not Found", `Zone ${zone} does not exist`, instance);

  // /config-dns/v2/zones/{zone}
  if (segments.length === 4) {
    if (verb === "GET") return ok(200, zoneView(zone));
    if (verb === "DELETE") {
      store.deleteZone(zone);
      return ok(204);
    }
    return problem(405, "method-not-allowed", "Method Not Allowed", `${verb} is not supported on ${instance}`, instance);
  }

  // /config-dns/v2/zones/{zone}/recordsets
  if (segments.length === 5 && segments[4] === "recordsets" && verb === "GET") {
    const recordsets = store.list(zone).sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    return ok(200, { metadata: { zone, page: 1, pageSize: recordsets.length, totalElements: recordsets.length }, recordsets });
  }

  // /config-dns/v2/zones/{zone}/names/{name}/types/{type}
  if (segments.length !== 8 || segments[4] !== "names" || segments[6] !== "types") return problem(404, "not-found", "Not Found", `No Edge DNS resource at ${instance}`, instance);
  const name = normalizeName(segments[5] ?? "");
  const type = (segments[7] ?? "").toUpperCase();
  if (!isInZone(name, zone)) return problem(400, "bad-request", "Bad Request", `Record name ${name} is not in zone ${zone}`, instance);
  const existing = store.get(name, type);

  switch (verb) {
    case "GET":
      return existing ? ok(200, existing) : problem(404, "not-found", "Not Found", `Record set ${name} ${type} does not exist in zone ${zone}`, instance);
    case "DELETE":
      if (!existing) return problem(404, "not-found", "Not Found", `Record set ${name} ${type} does not exist in zone ${zone}`, instance);
      store.delete(name, type);
      return ok(204);
    case "POST":
    case "PUT": {
      const parsed = recordSetBody.safeParse(body);
      if (!parsed.success) return problem(400, "bad-request", "Bad Request", `Invalid record set: ${issues(parsed.error)}`, instance);
      const record: DnsRecordSet = { ...parsed.data, name: normalizeName(parsed.data.name), type: parsed.data.type.toUpperCase() };
      if (record.name !== name || record.type !== type) return problem(400, "bad-request", "Bad Request", `The body's name/type (${record.name} ${record.type}) must match the path (${name} ${type})`, instance);
      const invalid = rdataProblem(type, record.rdata);
      if (invalid) return problem(400, "bad-request", "Bad Request", invalid, instance);
      const otherTypes = store.list(zone).filter((other) => other.name === name && other.type !== type);
      if ((type === "CNAME" && otherTypes.length > 0) || (type !== "CNAME" && otherTypes.some((other) => other.type === "CNAME"))) {
        return problem(409, "conflict", "Conflict", `${name} cannot hold a CNAME together with other record types`, instance);
      }
      if (verb === "POST" && existing) return problem(409, "conflict", "Conflict", `Record set ${name} ${type} already exists in zone ${zone}`, instance);
      if (verb === "PUT" && !existing) return problem(404, "not-found", "Not Found", `Record set ${name} ${type} does not exist in zone ${zone}`, instance);
      store.upsert(record);
      return ok(verb === "POST" ? 201 : 200, store.get(name, type));
    }
    default:
      return problem(405, "method-not-allowed", "Method Not Allowed", `${verb} is not supported on ${instance}`, instance);
  }
}
