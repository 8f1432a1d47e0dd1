import { CpsInputError, CpsResponseError } from "./errors";
import { isNotFound } from "./api";
import { MediaType } from "./media-types";
import { parseResponse } from "./context";
import type { Transport } from "./transport";
import {
  type EdgeHostnameCreate,
  edgeHostnameCreateSchema,
  type EdgeHostnameItem,
  edgeHostnameLinkSchema,
  edgeHostnamesResponseSchema,
} from "./schemas/edge-hostname";
import { parseInput } from "./validate";

/**
 * Secure edge hostnames, the CNAME targets (`www.example.com.edgekey.net`) a site's names point
 * to. Since Akamai decommissioned SPS (3 January 2023) they are created with the Property Manager
 * API and deleted with the Edge Hostnames API (HAPI), on the same EdgeGrid credentials:
 * - create/read/list: `POST|GET /papi/v1/edgehostnames[/{id}]?contractId=&groupId=`
 *   (https://techdocs.akamai.com/property-mgr/reference/post-edgehostnames)
 * - delete: `DELETE /hapi/v1/dns-zones/{dnsZone}/edge-hostnames/{recordName}` → 202, refused while
 *   an active property uses the hostname (https://techdocs.akamai.com/edge-hostnames/reference/delete-edgehostname).
 */
export class EdgeHostnamesClient {
  constructor(private readonly transport: Transport) {}

  /** Create; resolves with the new `ehn_…` id parsed from `edgeHostnameLink`. */
  async create(contractId: string, groupId: string, body: EdgeHostnameCreate): Promise<string> {
    const parsed = parseInput("edgeHostname", edgeHostnameCreateSchema, body);
    const response = await this.transport.send({
      method: "POST",
      path: "/papi/v1/edgehostnames",
      query: [["contractId", papiId("ctr_", contractId)], ["groupId", papiId("grp_", groupId)]],
      accept: MediaType.json,
      contentType: MediaType.json,
      body: parsed,
    });
    const link = parseResponse(edgeHostnameLinkSchema, response, "POST").edgeHostnameLink;
    const id = /\/edgehostnames\/([^/?]+)/.exec(link)?.[1];
    if (id === undefined) throw new CpsResponseError({ method: "POST", path: response.target, status: response.status, reason: `edgeHostnameLink ${link} names no edge hostname id` });
    return decodeURIComponent(id);
  }

  /** One edge hostname; undefined when PAPI does not know it (404, or an empty item list as the Go client treats it). */
  async get(edgeHostnameId: string, contractId: string, groupId: string): Promise<EdgeHostnameItem | undefined> {
    try {
      const response = await this.transport.send({
        method: "GET",
        path: `/papi/v1/edgehostnames/${encodeURIComponent(papiId("ehn_", edgeHostnameId))}`,
        query: [["contractId", papiId("ctr_", contractId)], ["groupId", papiId("grp_", groupId)]],
        accept: MediaType.json,
      });
      return parseResponse(edgeHostnamesResponseSchema, response, "GET").edgeHostnames.items[0];
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every edge hostname of a contract and group (used to find one whose create answer was lost). */
  async list(contractId: string, groupId: string): Promise<EdgeHostnameItem[]> {
    const response = await this.transport.send({
      method: "GET",
      path: "/papi/v1/edgehostnames",
      query: [["contractId", papiId("ctr_", contractId)], ["groupId", papiId("grp_", groupId)]],
      accept: MediaType.json,
    });
    return parseResponse(edgeHostnamesResponseSchema, response, "GET").edgeHostnames.items;
  }

  /** Delete through HAPI; an edge hostname that is already gone (404) counts as deleted. */
  async delete(domainPrefix: string, domainSuffix: string): Promise<void> {
    for (const [field, value] of [["domainPrefix", domainPrefix], ["domainSuffix", domainSuffix]] as const) {
      if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new CpsInputError(field, "expected a DNS name");
    }
    try {
      await this.transport.send({
        method: "DELETE",
        path: `/hapi/v1/dns-zones/${encodeURIComponent(domainSuffix)}/edge-hostnames/${encodeURIComponent(domainPrefix)}`,
        accept: MediaType.json,
      });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
  }
}

/** PAPI ids carry a type prefix (`ctr_`, `grp_`, `ehn_`); CPS contract ids do not. Add it when missing. */
export function papiId(prefix: "ctr_" | "grp_" | "ehn_", id: string): string {
  return id.startsWith(prefix) ? id : `${prefix}${id}`;
}
