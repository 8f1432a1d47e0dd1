/**
 * EdgeDnsCnameRecord: `www.example.com CNAME www.example.com.edgekey.net` in Akamai Edge DNS
 * (config-dns v2 record sets, https://techdocs.akamai.com/edge-dns/reference/post-zones-zone-names-name-types-type),
 * on the same credentials as CPS: the last step that sends a site's traffic to its secure edge hostname.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseInputs } from "./check";
import { hostnameProblem, normalizeHostname } from "./hostnames";
import { getClient } from "./provider-config";
import { hasUnknowns } from "./unknowns";
import { expecting } from "./strict-inputs";
import { isTransient } from "../lifecycle/transient";
import { resourceProvider } from "./resource-provider";

export const edgeDnsCnameRecordInputsSchema = z
  .object({
    /** The Edge DNS zone, e.g. `example.com`. */
    zone: z.string(expecting("a DNS zone name such as example.com")).transform(normalizeHostname),
    /** Fully qualified record name, e.g. `www.example.com`. */
    name: z.string(expecting("a record name such as www.example.com")).transform(normalizeHostname),
    /** The CNAME target, e.g. `www.example.com.edgekey.net`. */
    target: z.string(expecting("a host name such as www.example.com.edgekey.net")).transform(normalizeHostname),
    ttl: z.number(expecting("a number of seconds, 30-86400")).int().min(30, { message: "must be at least 30 seconds" }).max(86400, { message: "must be at most 86400 seconds (1 day)" }).default(300),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const key of ["name", "target", "zone"] as const) {
      const p = hostnameProblem(v[key], { allowWildcard: key === "name" });
      if (p) ctx.addIssue({ code: "custom", path: [key], message: p });
    }
    if (v.name === v.zone) ctx.addIssue({ code: "custom", path: ["name"], message: "a CNAME cannot be at the zone apex (it would hide the zone's SOA and NS records)" });
    else if (!v.name.endsWith("." + v.zone)) ctx.addIssue({ code: "custom", path: ["name"], message: `"${v.name}" is not inside zone "${v.zone}"` });
  });
type Inputs = z.output<typeof edgeDnsCnameRecordInputsSchema>;
type Props = Record<string, unknown>;

const WRITE_ATTEMPTS = 4;

/** Create or replace the record set; a transient failure is retried after reading what exists. */
async function put(i: Inputs): Promise<void> {
  const dns = getClient().edgeDns;
  const recordSet = { name: i.name, type: "CNAME", ttl: i.ttl, rdata: [`${i.target}.`] };
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await dns.getRecordSet(i.zone, i.name, "CNAME");
      if (existing) await dns.updateRecordSet(i.zone, recordSet);
      else await dns.createRecordSet(i.zone, recordSet);
      return;
    } catch (e) {
      if (!isTransient(e) || attempt >= WRITE_ATTEMPTS) throw e;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt * Math.random()));
    }
  }
}

const outs = (props: Props, i: Inputs): Props => ({ ...props, zone: i.zone, name: i.name, target: i.target, ttl: i.ttl });

export const edgeDnsCnameRecordProvider = resourceProvider(edgeDnsCnameRecordInputsSchema, {
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    if (hasUnknowns(news)) return { changes: true, replaces: [] };
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, news);
    const replaces = (["zone", "name"] as const).filter((k) => normalizeHostname(String(olds[k] ?? "")) !== i[k]);
    const changes = replaces.length > 0 || normalizeHostname(String(olds.target ?? "")) !== i.target || Number(olds.ttl ?? 300) !== i.ttl;
    return { changes, replaces, deleteBeforeReplace: true };
  },
  async create(props: Props): Promise<{ id: string; outs: Props }> {
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, props);
    await put(i);
    return { id: `${i.zone}/${i.name}/CNAME`, outs: outs(props, i) };
  },
  async update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, news);
    await put(i);
    return { outs: outs(news, i) };
  },
  async read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const [zone, name] = id.split("/");
    const rs = await getClient().edgeDns.getRecordSet(String(props.zone ?? zone), String(props.name ?? name), "CNAME");
    if (!rs) return { id: "", props: {} };
    return { id, props: { ...props, target: normalizeHostname(rs.rdata[0] ?? ""), ttl: rs.ttl } };
  },
  async delete(id: string, props: Props): Promise<void> {
    const [zone, name] = id.split("/");
    // Edge DNS answers 404 for a record set that is already gone: the client counts that as deleted.
    await getClient().edgeDns.deleteRecordSet(String(props.zone ?? zone), String(props.name ?? name), "CNAME");
  },
});
