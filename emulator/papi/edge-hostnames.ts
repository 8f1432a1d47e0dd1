/**
 * Secure edge hostnames as Akamai serves them since SPS was decommissioned (3 January 2023): created
 * and read through the Property Manager API, deleted through the Edge Hostnames API (HAPI).
 * Shapes follow Akamai's Go client (`pkg/papi/edgehostname.go`, `pkg/hapi/edgehostname.go` in
 * https://github.com/akamai/AkamaiOPEN-edgegrid-golang) and techdocs
 * (https://techdocs.akamai.com/property-mgr/reference/post-edgehostnames,
 * https://techdocs.akamai.com/edge-hostnames/reference/delete-edgehostname).
 *
 * A created hostname is `PENDING` for `activationMs` of emulator time (Akamai: 10–15 minutes), then
 * `ACTIVE`: from then on the emulator's DNS answers `<prefix>.<suffix>` with the production
 * listener's address, so `www.example.com CNAME www.example.com.edgekey.net` reaches the edge.
 */
import { z } from "zod";
import type { InMemoryZoneStore } from "../dns/zone-store";
import { normalizeName } from "../dns/names";

export interface EdgeHostnameRecord {
  id: number;
  contractId: string;
  groupId: string;
  productId: string;
  domainPrefix: string;
  domainSuffix: string;
  secureNetwork: "ENHANCED_TLS" | "STANDARD_TLS" | "SHARED_CERT";
  ipVersionBehavior: string;
  certEnrollmentId: number | null;
  status: "PENDING" | "ACTIVE";
  /** Set when a property activation uses it: HAPI then refuses the delete. */
  inUseByProperty: boolean;
}

export interface EdgeHostnamesDeps {
  zones: InMemoryZoneStore | undefined;
  /** IPv4 address of the production edge listener (what the edge hostname resolves to). */
  productionAddress: () => string | undefined;
  /** Whether the enrollment exists and has a certificate on the production network. */
  enrollment: (id: number) => { exists: boolean; onProduction: boolean };
  schedule: (delayMs: number, callback: () => void) => void;
  activationMs: number;
}

export interface EdgeHostnamesResponse {
  status: number;
  contentType?: string;
  body?: unknown;
}

const SUFFIX: Record<EdgeHostnameRecord["secureNetwork"], string> = { ENHANCED_TLS: "edgekey.net", STANDARD_TLS: "edgesuite.net", SHARED_CERT: "akamaized.net" };

const createBody = z
  .object({
    productId: z.string().min(1),
    domainPrefix: z.string().min(1).max(253),
    domainSuffix: z.string().min(1),
    secure: z.boolean().optional(),
    secureNetwork: z.enum(["ENHANCED_TLS", "STANDARD_TLS", "SHARED_CERT"]).optional(),
    ipVersionBehavior: z.enum(["IPV4", "IPV6_COMPLIANCE", "IPV6_PERFORMANCE"]),
    certEnrollmentId: z.number().int().positive().optional(),
    slotNumber: z.number().int().positive().optional(),
    useCases: z.array(z.unknown()).optional(),
  })
  .strict();

function problem(status: number, title: string, detail: string, instance: string): EdgeHostnamesResponse {
  return { status, contentType: "application/problem+json", body: { type: `https://problems.luna.akamaiapis.net/papi/v0/${title.toLowerCase().replace(/\s+/g, "-")}`, title, detail, status, instance } };
}

const strip = (prefix: string, id: string): string => (id.startsWith(prefix) ? id.slice(prefix.length) : id);

export class EdgeHostnameRegistry {
  private readonly records = new Map<number, EdgeHostnameRecord>();
  private nextId = 4_000_001;

  constructor(private readonly deps: EdgeHostnamesDeps) {}

  list(): EdgeHostnameRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  /**
   * The ACTIVE edge hostname of enrollment `enrollmentId` that `name` is CNAMEd to in the emulator's
   * own zones (following a CNAME chain of a few hops), or undefined. What CPS's automated challenge
   * completion looks for (Akamai's secure provisioning seed documents): such a name is validated by
   * Akamai itself, with no token from the user.
   */
  edgeHostnameOf(name: string, enrollmentId: number): string | undefined {
    const zones = this.deps.zones;
    if (!zones) return undefined;
    let current = normalizeName(name);
    for (let hop = 0; hop < 8; hop++) {
      const target = zones.get(current, "CNAME")?.rdata[0];
      if (target === undefined) return undefined;
      current = normalizeName(target);
      const record = [...this.records.values()].find((r) => `${r.domainPrefix}.${r.domainSuffix}` === current);
      if (record) return record.status === "ACTIVE" && record.certEnrollmentId === enrollmentId ? current : undefined;
    }
    return undefined;
  }

  /** Admin/test seam: mark an edge hostname as used by an active property (HAPI then refuses deletes). */
  setInUse(id: number, inUse: boolean): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    record.inUseByProperty = inUse;
    return true;
  }

  handle(method: string, target: string, body: unknown): EdgeHostnamesResponse {
    const url = new URL(target, "http://papi.invalid");
    const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const verb = method.toUpperCase();
    if (segments[0] === "papi" && segments[1] === "v1" && segments[2] === "edgehostnames") return this.papi(verb, url, segments.slice(3), body);
    if (segments[0] === "hapi" && segments[1] === "v1" && segments[2] === "dns-zones" && segments[4] === "edge-hostnames" && segments.length === 6) {
      if (verb !== "DELETE") return problem(405, "Method Not Allowed", `${verb} is not supported on ${url.pathname}`, url.pathname);
      return this.hapiDelete(normalizeName(segments[3]!), normalizeName(segments[5]!), url.pathname);
    }
    return problem(404, "Not Found", `No resource at ${url.pathname}`, url.pathname);
  }

  private papi(verb: string, url: URL, rest: string[], body: unknown): EdgeHostnamesResponse {
    const contractId = url.searchParams.get("contractId");
    const groupId = url.searchParams.get("groupId");
    if (!contractId || !groupId) return problem(400, "Bad Request", "The contractId and groupId query parameters are required", url.pathname);
    const contract = strip("ctr_", contractId);
    const group = strip("grp_", groupId);
    const mine = (r: EdgeHostnameRecord): boolean => r.contractId === contract && r.groupId === group;
    const envelope = (items: EdgeHostnameRecord[]) => ({
      status: 200,
      contentType: "application/json",
      body: { accountId: "act_EMULATOR", contractId: `ctr_${contract}`, groupId: `grp_${group}`, edgeHostnames: { items: items.map((r) => this.view(r)) } },
    });
    if (rest.length === 0 && verb === "GET") return envelope([...this.records.values()].filter(mine));
    if (rest.length === 1 && verb === "GET") {
      const record = this.records.get(Number(strip("ehn_", rest[0]!)));
      if (!record || !mine(record)) return problem(404, "Not Found", `Edge hostname ${rest[0]} does not exist in contract ctr_${contract}, group grp_${group}`, url.pathname);
      return envelope([record]);
    }
    if (rest.length === 0 && verb === "POST") return this.create(contract, group, body, url);
    return problem(405, "Method Not Allowed", `${verb} is not supported on ${url.pathname}`, url.pathname);
  }

  private create(contract: string, group: string, body: unknown, url: URL): EdgeHostnamesResponse {
    const parsed = createBody.safeParse(body);
    if (!parsed.success) return problem(400, "Bad Request", parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), url.pathname);
    const b = parsed.data;
    const secureNetwork = b.secureNetwork ?? (b.domainSuffix === "edgekey.net" ? "ENHANCED_TLS" : "STANDARD_TLS");
    const suffix = normalizeName(b.domainSuffix);
    if (SUFFIX[secureNetwork] !== suffix) return problem(400, "Bad Request", `domainSuffix ${suffix} does not match secureNetwork ${secureNetwork} (expected ${SUFFIX[secureNetwork]})`, url.pathname);
    const prefix = normalizeName(b.domainPrefix);
    if (secureNetwork === "ENHANCED_TLS") {
      if (b.certEnrollmentId === undefined) return problem(400, "Bad Request", "certEnrollmentId is required for an Enhanced TLS (edgekey.net) edge hostname", url.pathname);
      const enrollment = this.deps.enrollment(b.certEnrollmentId);
      if (!enrollment.exists) return problem(400, "Bad Request", `The certificate enrollment ${b.certEnrollmentId} does not exist`, url.pathname);
      // An enrollment without a deployed certificate cannot back an edge hostname
      // (akamai/terraform-provider-akamai#719): refuse rather than hand out an unusable slot (#794).
      if (!enrollment.onProduction) return problem(400, "Bad Request", `The certificate enrollment ${b.certEnrollmentId} has no certificate deployed to the production network yet`, url.pathname);
    }
    if ([...this.records.values()].some((r) => r.domainPrefix === prefix && r.domainSuffix === suffix)) {
      return problem(400, "Bad Request", `The edge hostname ${prefix}.${suffix} already exists`, url.pathname);
    }
    const record: EdgeHostnameRecord = {
      id: this.nextId++,
      contractId: contract,
      groupId: group,
      productId: strip("prd_", b.productId),
      domainPrefix: prefix,
      domainSuffix: suffix,
      secureNetwork,
      ipVersionBehavior: b.ipVersionBehavior,
      certEnrollmentId: b.certEnrollmentId ?? null,
      status: "PENDING",
      inUseByProperty: false,
    };
    this.records.set(record.id, record);
    this.deps.schedule(this.deps.activationMs, () => this.activate(record.id));
    return { status: 201, contentType: "application/json", body: { edgeHostnameLink: `/papi/v1/edgehostnames/ehn_${record.id}?contractId=ctr_${contract}&groupId=grp_${group}` } };
  }

  private activate(id: number): void {
    const record = this.records.get(id);
    if (!record) return;
    record.status = "ACTIVE";
    const zones = this.deps.zones;
    const address = this.deps.productionAddress();
    if (!zones || !address) return;
    if (!zones.hasZone(record.domainSuffix)) zones.createZone(record.domainSuffix);
    zones.upsert({ name: `${record.domainPrefix}.${record.domainSuffix}`, type: "A", ttl: 20, rdata: [address] });
  }

  private hapiDelete(zone: string, recordName: string, instance: string): EdgeHostnamesResponse {
    const record = [...this.records.values()].find((r) => r.domainSuffix === zone && r.domainPrefix === recordName);
    if (!record) return problem(404, "Not Found", `Edge hostname ${recordName}.${zone} not found`, instance);
    if (record.inUseByProperty) {
      return problem(400, "Bad Request", `The edge hostname ${recordName}.${zone} is used by an active property configuration; remove it from the property's hostnames and activate the property first`, instance);
    }
    this.records.delete(record.id);
    this.deps.zones?.delete(`${record.domainPrefix}.${record.domainSuffix}`, "A");
    const now = new Date().toISOString();
    return {
      status: 202,
      contentType: "application/json",
      body: { action: "DELETE", changeId: record.id, status: "PENDING", submitDate: now, statusUpdateDate: now, edgeHostnames: [{ edgeHostnameId: record.id, recordName, dnsZone: zone, securityType: record.secureNetwork }] },
    };
  }

  private view(r: EdgeHostnameRecord): Record<string, unknown> {
    return {
      edgeHostnameId: `ehn_${r.id}`,
      edgeHostnameDomain: `${r.domainPrefix}.${r.domainSuffix}`,
      productId: `prd_${r.productId}`,
      domainPrefix: r.domainPrefix,
      domainSuffix: r.domainSuffix,
      status: r.status,
      secure: true,
      ipVersionBehavior: r.ipVersionBehavior,
    };
  }
}
