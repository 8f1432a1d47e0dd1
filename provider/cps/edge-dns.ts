import { CpsInputError } from "./errors";
import { isNotFound } from "./api";
import { MediaType } from "./media-types";
import { parseResponse } from "./context";
import type { LandedCheck, Transport } from "./transport";
import { type RecordSet, recordSetRequestSchema, recordSetSchema } from "./schemas/edge-dns";
import { parseInput } from "./validate";

/**
 * Minimal Edge DNS (config-dns v2) recordset client on the same credentials and signing, used to
 * publish DV `dns-01` TXT records: `/config-dns/v2/zones/{zone}/names/{name}/types/{type}`.
 */
export class EdgeDnsClient {
  constructor(private readonly transport: Transport) {}

  /** undefined when the recordset does not exist (404). */
  async getRecordSet(zone: string, name: string, type: string): Promise<RecordSet | undefined> {
    try {
      const response = await this.transport.send({ method: "GET", path: this.path(zone, name, type), accept: MediaType.json });
      const parsed = parseResponse(recordSetSchema, response, "GET");
      return { name: parsed.name, type: parsed.type, ttl: parsed.ttl, rdata: parsed.rdata };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async createRecordSet(zone: string, recordSet: RecordSet): Promise<void> {
    const body = parseInput("recordSet", recordSetRequestSchema, recordSet);
    await this.transport.send({ method: "POST", path: this.path(zone, body.name, body.type), accept: MediaType.json, contentType: MediaType.json, body, landed: this.landedAs(zone, body) });
  }

  async updateRecordSet(zone: string, recordSet: RecordSet): Promise<void> {
    const body = parseInput("recordSet", recordSetRequestSchema, recordSet);
    await this.transport.send({ method: "PUT", path: this.path(zone, body.name, body.type), accept: MediaType.json, contentType: MediaType.json, body, landed: this.landedAs(zone, body) });
  }

  /** Deleting a recordset that is already gone (404) counts as done. */
  async deleteRecordSet(zone: string, name: string, type: string): Promise<void> {
    try {
      await this.transport.send({
        method: "DELETE",
        path: this.path(zone, name, type),
        accept: MediaType.json,
        // A lost answer: it landed when the recordset is gone; while it exists, deleting again is the same request.
        landed: async () => ((await this.getRecordSet(zone, name, type)) === undefined ? { status: 204 } : undefined),
      });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }

  /**
   * A lost answer to a create or replace: it landed when the recordset reads back with the values sent
   * (then the answer is the recordset); otherwise it did not, and sending it again is safe.
   */
  private landedAs(zone: string, body: RecordSet): LandedCheck {
    return async () => {
      const now = await this.getRecordSet(zone, body.name, body.type);
      const values = (rdata: readonly string[]): string => rdata.map((v) => v.replace(/^"(.*)"$/, "$1")).sort().join("\n");
      const same = now !== undefined && now.ttl === body.ttl && values(now.rdata) === values(body.rdata);
      return same ? { status: 200, body: now } : undefined;
    };
  }

  private path(zone: string, name: string, type: string): string {
    const z = dnsName("zone", zone);
    const n = dnsName("name", name);
    if (typeof type !== "string" || !/^[A-Za-z0-9]+$/.test(type)) throw new CpsInputError("type", "expected a record type such as TXT");
    return `/config-dns/v2/zones/${encodeURIComponent(z)}/names/${encodeURIComponent(n)}/types/${type.toUpperCase()}`;
  }
}

function dnsName(field: string, value: unknown): string {
  if (typeof value !== "string" || value === "" || value.length > 253 || !/^[A-Za-z0-9_*.-]+$/.test(value)) {
    throw new CpsInputError(field, "expected a DNS name (letters, digits, '-', '_', '*', '.')");
  }
  return value.replace(/\.$/, "");
}
