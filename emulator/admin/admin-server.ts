import * as http from "http";
import { closeServer, listenOn } from "../http/listen";
import { z } from "zod";
import type { ScaledClock } from "../clock";
import type { CpsEngine, StepDurations } from "../cps/engine";
import type { ChangeRecord, EnrollmentRecord } from "../cps/model";
import { emptyState } from "../cps/model";
import { toEnrollmentSpec } from "../cps/normalize";
import { enrollmentRequestSchema, enrollmentSupersetSchema } from "../cps/request-schemas";
import type { AdminValidationBook } from "../cps/stand-ins";
import type { Store } from "../cps/store";
import { enrollmentView } from "../cps/views";
import type { InMemoryZoneStore } from "../dns/zone-store";
import { normalizeName } from "../dns/names";
import { normalizeRdata } from "../dns/rdata";
import type { EdgeNetwork } from "../seams";
import { faultPatchSchema, type FaultInjector } from "../faults/fault-injector";
import type { RequestStats } from "../http/api-server";
import { accountBudgetPatchSchema, type AccountBudget } from "../faults/account-budget";

/**
 * The admin API: plain HTTP on loopback, JSON, no EdgeGrid. It plays the parts a test needs that
 * the CPS API does not offer: look at state, act as Control Center (out-of-band edits), decide DV
 * validation, move time, reset.
 */
export interface AdminOptions {
  store: Store;
  engine: CpsEngine;
  clock: ScaledClock;
  book: AdminValidationBook;
  stats: RequestStats;
  edges: EdgeNetwork[];
  /** Zones served by the emulator's DNS server (the same ones the Edge DNS API manages). */
  zones: InMemoryZoneStore;
  faults: FaultInjector;
  rateLimits: AccountBudget;
}

type Json = unknown;
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const validateBody = z.strictObject({ challengeType: z.enum(["dns-01", "http-01"]).optional() });
const failBody = z.strictObject({ validationStatus: z.string().optional(), error: z.string().optional() });
const advanceBody = z.strictObject({ ms: z.number().nonnegative().optional(), seconds: z.number().nonnegative().optional(), days: z.number().nonnegative().optional() });
const clockBody = z.strictObject({ timeScale: z.number().positive() });
const durationsBody = z.record(z.string(), z.number().nonnegative());
const zoneBody = z.strictObject({ zone: z.string().min(1) });
const recordBody = z.strictObject({ name: z.string().min(1), type: z.string().min(1), ttl: z.number().int().nonnegative().default(300), rdata: z.array(z.string().min(1)).min(1) });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON merge patch (RFC 7396). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function publicChange(c: ChangeRecord): Json {
  // private keys never leave the emulator through the admin API
  return { ...c, keys: c.keys.map((k) => ({ keyAlgorithm: k.keyAlgorithm, csrPem: k.csrPem })) };
}

function summary(e: EnrollmentRecord): Json {
  return {
    id: e.id,
    contractId: e.contractId,
    cn: e.spec.csr.cn,
    sans: e.spec.csr.sans,
    validationType: e.spec.validationType,
    pendingChangeId: e.pendingChangeId,
    changeIds: e.changeIds,
    staging: e.staging ? { changeId: e.staging.changeId, dnsNames: e.staging.dnsNames } : null,
    production: e.production ? { changeId: e.production.changeId, dnsNames: e.production.dnsNames } : null,
    autoRenewalStartTime: e.autoRenewalStartTime,
    deleteDueAt: e.deleteDueAt,
  };
}

export class AdminServer {
  private readonly server: http.Server;

  constructor(private readonly o: AdminOptions) {
    this.server = http.createServer((req, res) => {
      this.handle(req)
        .then(({ status, body }) => {
          const payload = JSON.stringify(body);
          res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
          res.end(payload);
        })
        .catch((err: unknown) => {
          const status = err instanceof HttpError ? err.status : err instanceof z.ZodError ? 400 : 500;
          const message = err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") : err instanceof Error ? err.message : String(err);
          const payload = JSON.stringify({ error: message });
          res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
          res.end(payload);
        });
    });
  }

  listen(port: number, host = "127.0.0.1"): Promise<number> {
    return listenOn(this.server, port, host);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async readJson(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8").trim();
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(400, "body is not JSON");
    }
  }

  /** `/dns/zones[/{zone}[/records]]`, `/dns/records[/{name}/{type}]`: the zones of the emulator's DNS server. */
  private async dns(method: string, parts: string[], req: http.IncomingMessage): Promise<{ status: number; body: Json }> {
    const zones = this.o.zones;
    const [kind, first, second, third] = parts;
    if (kind === "zones" && first === undefined) {
      if (method === "GET") return { status: 200, body: zones.listZones() };
      if (method === "POST") {
        const zone = normalizeName(zoneBody.parse(await this.readJson(req)).zone);
        const existed = zones.hasZone(zone);
        zones.createZone(zone);
        return { status: existed ? 200 : 201, body: { zone, records: zones.list(zone) } };
      }
    }
    if (kind === "zones" && first !== undefined && second === undefined) {
      if (!zones.hasZone(first)) throw new HttpError(404, `no zone ${first}`);
      if (method === "GET") return { status: 200, body: { zone: normalizeName(first), records: zones.list(first) } };
      if (method === "DELETE") return { status: 200, body: { deleted: zones.deleteZone(first) } };
    }
    if (kind === "records" && first === undefined && (method === "PUT" || method === "POST")) {
      const body = recordBody.parse(await this.readJson(req));
      const type = body.type.toUpperCase();
      if (!zones.zoneFor(body.name)) throw new HttpError(404, `no zone contains ${body.name}; create it with POST /dns/zones`);
      try {
        body.rdata.forEach((value) => normalizeRdata(type, value));
      } catch (err) {
        throw new HttpError(400, err instanceof Error ? err.message : String(err));
      }
      zones.upsert({ name: body.name, type, ttl: body.ttl, rdata: body.rdata });
      return { status: 200, body: zones.get(body.name, type) };
    }
    if (kind === "records" && first !== undefined && second !== undefined && third === undefined) {
      if (method === "GET") {
        const record = zones.get(first, second);
        if (!record) throw new HttpError(404, `no ${second} record at ${first}`);
        return { status: 200, body: record };
      }
      if (method === "DELETE") return { status: 200, body: { deleted: zones.delete(first, second) } };
    }
    throw new HttpError(404, `no admin route ${method} /dns/${parts.join("/")}`);
  }

  private enrollment(id: string): EnrollmentRecord {
    const e = this.o.store.enrollment(Number(id));
    if (!e) throw new HttpError(404, `no enrollment ${id}`);
    return e;
  }

  private async handle(req: http.IncomingMessage): Promise<{ status: number; body: Json }> {
    const { store, engine, clock, book, stats } = this.o;
    const url = new URL(req.url ?? "/", "http://admin");
    const method = req.method ?? "GET";
    const parts = url.pathname.split("/").filter(Boolean);
    const route = `${method} /${parts.map((p, i) => (i === 1 && ["enrollments", "changes", "domains"].includes(parts[0]) ? ":" : p)).join("/")}`;
    const ok = (body: Json, status = 200): { status: number; body: Json } => ({ status, body });
    if (parts[0] === "dns") return this.dns(method, parts.slice(1).map(decodeURIComponent), req);
    switch (route) {
      case "GET /health":
        return ok({ ok: true });
      case "GET /state":
        return ok({ now: clock.now().toISOString(), timeScale: clock.timeScale, enrollments: store.allEnrollments().map(summary) });
      case "GET /enrollments": {
        const contractId = url.searchParams.get("contractId");
        return ok((contractId ? store.enrollmentsOfContract(contractId) : store.allEnrollments()).map(summary));
      }
      case "GET /enrollments/:": {
        const e = this.enrollment(parts[1]);
        return ok({ ...e, view: enrollmentView(e, undefined, 12) });
      }
      case "PATCH /enrollments/:":
      case "PUT /enrollments/:": {
        // Control Center edits: no change is opened, the enrollment simply differs from what the client last wrote
        const e = this.enrollment(parts[1]);
        const body = await this.readJson(req);
        const current = enrollmentView(e, undefined, 12);
        const merged = method === "PUT" ? body : mergePatch(current, body);
        // GET shows an unset preferredTrustChain as null, which a request may not carry (enrollment.v12.yaml)
        const csr = (merged as { csr?: Record<string, unknown> }).csr;
        if (csr && csr.preferredTrustChain === null) delete csr.preferredTrustChain;
        enrollmentRequestSchema(12).parse(merged);
        const spec = toEnrollmentSpec(enrollmentSupersetSchema.parse(merged), 12);
        store.respec(e, () => (e.spec = spec));
        store.changed();
        return ok(enrollmentView(e, undefined, 12));
      }
      case "DELETE /enrollments/:": {
        const e = this.enrollment(parts[1]);
        for (const edge of this.o.edges) edge.undeploy(e.id);
        store.removeEnrollment(e.id);
        store.changed();
        return ok({ deleted: e.id });
      }
      case "GET /changes/:": {
        const c = store.change(Number(parts[1]));
        if (!c) throw new HttpError(404, `no change ${parts[1]}`);
        return ok({ ...(publicChange(c) as object), stuck: engine.isStuck(c.id), timeline: engine.timeline(c.id) });
      }
      case "POST /changes/:/stick":
      case "POST /changes/:/release": {
        const c = store.change(Number(parts[1]));
        if (!c) throw new HttpError(404, `no change ${parts[1]}`);
        if (parts[2] === "stick") engine.stick(c.id);
        else engine.release(c.id);
        return ok({ changeId: c.id, stuck: engine.isStuck(c.id), status: c.status });
      }
      case "POST /domains/:/validate": {
        const body = validateBody.parse(await this.readJson(req));
        book.set(parts[1], { ok: true, challengeType: body.challengeType ?? "dns-01" });
        await engine.recheckDomain(parts[1]);
        return ok({ domain: parts[1], verdict: "valid" });
      }
      case "POST /domains/:/fail": {
        const body = failBody.parse(await this.readJson(req));
        book.set(parts[1], { ok: false, validationStatus: body.validationStatus ?? "RESPONSE_ERROR", error: body.error ?? "The validation token was not found." });
        return ok({ domain: parts[1], verdict: "failed" });
      }
      case "POST /clock/advance": {
        const body = advanceBody.parse(await this.readJson(req));
        clock.advance((body.ms ?? 0) + (body.seconds ?? 0) * 1000 + (body.days ?? 0) * 86_400_000);
        await engine.tick();
        return ok({ now: clock.now().toISOString() });
      }
      case "GET /clock":
        return ok({ now: clock.now().toISOString(), timeScale: clock.timeScale });
      case "PUT /clock":
        clock.setTimeScale(clockBody.parse(await this.readJson(req)).timeScale);
        return ok({ now: clock.now().toISOString(), timeScale: clock.timeScale });
      case "GET /config/step-durations":
        return ok(engine.durations);
      case "PUT /config/step-durations": {
        const body = durationsBody.parse(await this.readJson(req));
        for (const [k, v] of Object.entries(body)) {
          if (!(k in engine.durations)) throw new HttpError(400, `unknown step ${k}`);
          engine.durations[k as keyof StepDurations] = v;
        }
        return ok(engine.durations);
      }
      case "GET /faults":
        return ok({ ...this.o.faults.current, injected: this.o.faults.counters });
      case "PUT /faults": {
        const config = this.o.faults.configure(faultPatchSchema.parse(await this.readJson(req)));
        return ok({ ...config, injected: this.o.faults.counters });
      }
      case "GET /rate-limits":
        return ok({ ...this.o.rateLimits.current, accounts: this.o.rateLimits.report() });
      case "PUT /rate-limits": {
        const config = this.o.rateLimits.configure(accountBudgetPatchSchema.parse(await this.readJson(req)));
        return ok({ ...config, accounts: this.o.rateLimits.report() });
      }
      case "DELETE /rate-limits/accounts":
        this.o.rateLimits.resetReport();
        return ok({ ...this.o.rateLimits.current, accounts: [] });
      case "GET /stats":
        return ok(stats);
      case "DELETE /stats":
        stats.requests = 0;
        for (const k of Object.keys(stats.byOperation)) delete stats.byOperation[k];
        return ok(stats);
      case "POST /reset":
        await engine.idle();
        for (const e of store.allEnrollments()) for (const edge of this.o.edges) edge.undeploy(e.id);
        store.replace(emptyState());
        book.clear();
        return ok({ reset: true });
      default:
        throw new HttpError(404, `no admin route ${method} ${url.pathname}`);
    }
  }
}
