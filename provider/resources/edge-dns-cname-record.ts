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
import { writeRecordSet } from "./edge-dns-write";
import { resourceProvider } from "./resource-provider";
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
type Props = Record<string, unknown>;

/** The record set as Edge DNS stores it: the target as an absolute name. */
function recordSet(i: Inputs) {
  return { name: i.name, type: "CNAME", ttl: i.ttl, rdata: [`${i.target}.`] };
}

const outs = (props: Props, i: Inputs): Props => ({ ...props, zone: i.zone, name: i.name, target: i.target, ttl: i.ttl, allowDeleteWhileDeployed: i.allowDeleteWhileDeployed });

export const edgeDnsCnameRecordProvider = resourceProvider(edgeDnsCnameRecordInputsSchema, {
  async diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    if (hasUnknowns(news)) return { changes: true, replaces: [] };
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, news);
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
  async create(props: Props): Promise<{ id: string; outs: Props }> {
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, props);
    await writeRecordSet(i.zone, recordSet(i));
    return { id: `${i.zone}/${i.name}/CNAME`, outs: outs(props, i) };
  },
  async update(_id: string, _olds: Props, news: Props): Promise<{ outs: Props }> {
    const i = parseInputs(edgeDnsCnameRecordInputsSchema, news);
    await writeRecordSet(i.zone, recordSet(i));
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
    // A destroy deletes the CNAME first (it needs the edge hostname's name): it refuses on its own
    // while the certificate it leads to is live, so that nothing is deleted.
    await refuseWhileServingLiveCertificate(getClient(), props, { kind: "EdgeDnsCnameRecord", name: String(props.name ?? name) });
    // Edge DNS answers 404 for a record set that is already gone: the client counts that as deleted.
    await getClient().edgeDns.deleteRecordSet(String(props.zone ?? zone), String(props.name ?? name), "CNAME");
  },
});
