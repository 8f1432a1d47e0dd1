/**
 * EdgeDnsCnameRecord: `www.example.com CNAME www.example.com.edgekey.net` in Akamai Edge DNS
 * (config-dns v2 record sets, https://techdocs.akamai.com/edge-dns/reference/post-zones-zone-names-name-types-type),
 * on the same credentials as CPS: the last step that sends a site's traffic to its secure edge hostname.
 */
import { z } from "zod";
import { hostnameProblem, normalizeHostname } from "./hostnames";
import { expecting } from "./strict-inputs";
import { locateRecord, writeRecordSet } from "./edge-dns-write";
import { defineResource } from "./define-resource";
import { refuseWhileServingLiveCertificate } from "./delete-refusal";

export const edgeDnsCnameRecordInputsSchema = z
  .object({
    /** The Edge DNS zone, e.g. `example.com`. */
    zone: z.string(expecting("a DNS zone name such as example.com")).transform(normalizeHostname),
    /** Fully qualified record name, e.g. `www.example.com`. */
    name: z.string(expecting("a record name such as www.example.com")).transform(normalizeHostname),
    /** The CNAME target, e.g. `www.example.com.edgekey.net`. */
    target: z.string(expecting("a host name such as www.example.com.edgekey.net")).transform(normalizeHostname),
    ttl: z.number(expecting("a number of seconds, 30-86400")).int().min(30, { message: "must be at least 30 seconds" }).max(86400, { message: "must be at most 86400 seconds (1 day)" }).default(300),
    /**
     * The enrollment whose certificate the target edge hostname serves. With it, `delete` refuses
     * while that certificate is live on production: a destroy deletes the CNAME first, and without
     * it the site stops reaching the certificate (docs/troubleshooting.md#delete-refused).
     */
    enrollmentId: z.number({ message: "must be a CPS enrollment id (a positive integer)" }).int().positive().optional(),
    /** Let `delete` go ahead while `enrollmentId`'s certificate is live on production. */
    allowDeleteWhileDeployed: z.boolean().default(false),
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

/**
 * The record as stored: its inputs, normalized. Declared once: the SDK's `EdgeDnsCnameRecord` class
 * declares its output properties from this interface (sdk/edge-dns-cname-record.ts), all but
 * `allowDeleteWhileDeployed`, a setting read back by delete only.
 */
export interface EdgeDnsCnameRecordOutputs {
  /** The Edge DNS zone. */
  zone: string;
  /** The record's fully qualified name. */
  name: string;
  /** The target, without a trailing dot. */
  target: string;
  /** Time to live, in seconds. */
  ttl: number;
  /** Whether delete may remove the record while the certificate is live on production. Not an SDK output. */
  allowDeleteWhileDeployed: boolean;
}

/** The record set as Edge DNS stores it: the target as an absolute name. */
function recordSet(i: Inputs) {
  return { name: i.name, type: "CNAME", ttl: i.ttl, rdata: [`${i.target}.`] };
}

const outs = (raw: Record<string, unknown>, i: Inputs) => ({ ...raw, zone: i.zone, name: i.name, target: i.target, ttl: i.ttl, allowDeleteWhileDeployed: i.allowDeleteWhileDeployed });

export const edgeDnsCnameRecordProvider = defineResource<typeof edgeDnsCnameRecordInputsSchema, EdgeDnsCnameRecordOutputs>({
  name: "edge-dns-cname-record",
  inputs: edgeDnsCnameRecordInputsSchema,
  diffUnknown: () => ({ changes: true, replaces: [] }),
  async diff(_ctx, { olds, news: i }) {
    const replaces = (["zone", "name"] as const).filter((k) => normalizeHostname(String(olds[k] ?? "")) !== i[k]);
    // enrollmentId and allowDeleteWhileDeployed only guard the delete: an update that rewrites the same record set.
    const changes =
      replaces.length > 0 ||
      normalizeHostname(String(olds.target ?? "")) !== i.target ||
      Number(olds.ttl ?? 300) !== i.ttl ||
      (olds.enrollmentId ?? undefined) !== i.enrollmentId ||
      (olds.allowDeleteWhileDeployed === true) !== i.allowDeleteWhileDeployed;
    return { changes, replaces, deleteBeforeReplace: true };
  },
  async create(ctx, { inputs: i, raw }) {
    await writeRecordSet(ctx.cps.edgeDns, i.zone, recordSet(i));
    return { id: `${i.zone}/${i.name}/CNAME`, outs: outs(raw, i) };
  },
  async update(ctx, { news: i, raw }) {
    await writeRecordSet(ctx.cps.edgeDns, i.zone, recordSet(i));
    return { outs: outs(raw, i) };
  },
  async read(ctx, { id, props }) {
    const { zone, name } = locateRecord(id, props);
    const rs = await ctx.cps.edgeDns.getRecordSet(zone, name, "CNAME");
    if (!rs) return { id: "", props: {} };
    return { id, props: { ...props, target: normalizeHostname(rs.rdata[0] ?? ""), ttl: rs.ttl } };
  },
  async delete(ctx, { id, props }) {
    const { zone, name } = locateRecord(id, props);
    // A destroy deletes the CNAME first (it needs the edge hostname's name): it refuses on its own
    // while the certificate it leads to is live, so that nothing is deleted.
    await refuseWhileServingLiveCertificate(ctx.cps, props, { kind: "EdgeDnsCnameRecord", name });
    // Edge DNS answers 404 for a record set that is already gone: the client counts that as deleted.
    await ctx.cps.edgeDns.deleteRecordSet(zone, name, "CNAME");
  },
});
