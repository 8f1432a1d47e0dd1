/**
 * EdgeDnsTxtRecord: a TXT record set in Akamai Edge DNS (config-dns/v2 recordsets), with the same
 * credentials and client as CPS, so Akamai users need no second provider for `_acme-challenge`
 * records. Read reports drift (values changed or the record deleted outside Pulumi).
 */
import { z } from "zod";
import { hostnameProblem, normalizeHostname } from "./hostnames";
import { fromRdata, toRdata, txtValueInput } from "./txt-rdata";
import { expecting } from "./strict-inputs";
import { locateRecord, writeRecordSet } from "./edge-dns-write";
import { defineResource } from "./define-resource";
import { sameValue } from "./same-value";

export const edgeDnsTxtRecordInputsSchema = z
  .object({
    /** The Edge DNS zone, e.g. `example.com`. */
    zone: z.string(expecting("a DNS zone name such as example.com")).transform(normalizeHostname),
    /** Fully qualified record name, e.g. `_acme-challenge.www.example.com`. */
    name: z.string(expecting("a record name such as _acme-challenge.www.example.com")).transform(normalizeHostname),
    /** TXT values (unquoted). */
    values: z.array(txtValueInput, expecting('a list of TXT values, e.g. ["token"] (the Enrollment\'s dnsChallenges[name].value)')).min(1, { message: "needs at least one value" }).max(100),
    ttl: z.number(expecting("a number of seconds, 30-86400")).int().min(30, { message: "must be at least 30 seconds" }).max(86400, { message: "must be at most 86400 seconds (1 day)" }).default(60),
  })
  .strict()
  .superRefine((v, ctx) => {
    const p = hostnameProblem(v.name.replace(/^_/, "x").replace(/\._/g, ".x"), { allowWildcard: true });
    if (p) ctx.addIssue({ code: "custom", path: ["name"], message: p });
    const zp = hostnameProblem(v.zone, { allowWildcard: false });
    if (zp) ctx.addIssue({ code: "custom", path: ["zone"], message: zp });
    if (!zp && v.name !== v.zone && !v.name.endsWith("." + v.zone))
      ctx.addIssue({ code: "custom", path: ["name"], message: `"${v.name}" is not inside zone "${v.zone}"` });
  });
type Inputs = z.output<typeof edgeDnsTxtRecordInputsSchema>;

/**
 * The record set as stored: its inputs, normalized. Declared once: the SDK's `EdgeDnsTxtRecord` class
 * declares its output properties from this interface (sdk/edge-dns-txt-record.ts).
 */
export interface EdgeDnsTxtRecordOutputs {
  /** The Edge DNS zone. */
  zone: string;
  /** The record's fully qualified name. */
  name: string;
  /** The TXT values, unquoted. */
  values: string[];
  /** Time to live, in seconds. */
  ttl: number;
}

function recordSet(i: Inputs) {
  return { name: i.name, type: "TXT", ttl: i.ttl, rdata: i.values.map(toRdata) };
}

export const edgeDnsTxtRecordProvider = defineResource<typeof edgeDnsTxtRecordInputsSchema, EdgeDnsTxtRecordOutputs>({
  name: "edge-dns-txt-record",
  inputs: edgeDnsTxtRecordInputsSchema,
  // Unknown during preview (the Enrollment feeding the name is being updated): plan an update;
  // `up` diffs again with known values and replaces only if the name really changed.
  diffUnknown: () => ({ changes: true, replaces: [] }),
  async diff(_ctx, { olds, news: i }) {
    const replaces = (["zone", "name"] as const).filter((k) => normalizeHostname(String(olds[k] ?? "")) !== i[k]);
    const changes = replaces.length > 0 || !sameValue(olds.values, i.values) || Number(olds.ttl ?? 60) !== i.ttl;
    return { changes, replaces, deleteBeforeReplace: true };
  },
  async create(ctx, { inputs: i, raw }) {
    await writeRecordSet(ctx.cps.edgeDns, i.zone, recordSet(i));
    return { id: `${i.zone}/${i.name}/TXT`, outs: { ...raw, zone: i.zone, name: i.name, values: i.values, ttl: i.ttl } };
  },
  async update(ctx, { news: i, raw }) {
    await writeRecordSet(ctx.cps.edgeDns, i.zone, recordSet(i));
    return { outs: { ...raw, zone: i.zone, name: i.name, values: i.values, ttl: i.ttl } };
  },
  async read(ctx, { id, props }) {
    const { zone, name } = locateRecord(id, props);
    const rs = await ctx.cps.edgeDns.getRecordSet(zone, name, "TXT");
    if (!rs) return { id: "", props: {} };
    return { id, props: { ...props, values: rs.rdata.map(fromRdata), ttl: rs.ttl } };
  },
  async delete(ctx, { id, props }) {
    const { zone, name } = locateRecord(id, props);
    await ctx.cps.edgeDns.deleteRecordSet(zone, name, "TXT"); // already gone (404) counts as deleted
  },
});
