/**
 * SecureEdgeHostname: the hostname a site's names CNAME to (`www.example.com.edgekey.net`), backed
 * by a CPS enrollment. SPS, which used to create both, was decommissioned on 3 January 2023; the
 * edge hostname is now a PAPI object (https://techdocs.akamai.com/property-mgr/reference/post-edgehostnames)
 * and is deleted through HAPI (https://techdocs.akamai.com/edge-hostnames/reference/delete-edgehostname).
 *
 * Ordering: an Enhanced TLS edge hostname needs its enrollment's certificate on the production
 * network. Creating it earlier is what Terraform users fight (akamai/terraform-provider-akamai#794:
 * an unusable slot, worked around with sleeps; #719: a third-party enrollment without a deployed
 * certificate cannot back one). So `create` first waits for the certificate to be on production,
 * then creates the hostname, then waits until PAPI reports it `ACTIVE` (10–15 minutes at Akamai).
 */
import { z } from "zod";
import { CpsApiError, type CpsApi, type EdgeHostnameItem } from "../cps";
import { SECURE_NETWORK_SUFFIX, type EdgeHostnameSecureNetwork } from "../cps/schemas/edge-hostname";
import { waitUntil } from "../lifecycle/poll";
import type { Progress } from "../lifecycle/progress";
import { isTransient } from "../lifecycle/transient";
import { parseInputs } from "./check";
import { durationInput, timeoutMs } from "./common-inputs";
import { hostnameProblem, normalizeHostname } from "./hostnames";
import { keepInState } from "./partial-state";
import { expecting } from "./strict-inputs";
import { defineResource, type Given, type ResourceContext } from "./define-resource";
import { CodedError } from "./coded-error";
import { refuseWhileServingLiveCertificate } from "./delete-refusal";

const NETWORKS = { "enhanced-tls": "ENHANCED_TLS", "standard-tls": "STANDARD_TLS", "shared-cert": "SHARED_CERT" } as const satisfies Record<string, EdgeHostnameSecureNetwork>;

const idText = (what: string) =>
  z
    .string(expecting(`text, a ${what} id`))
    .min(1, { message: `must be a ${what} id` })
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, { message: `must be a ${what} id: letters, digits, '-' and '_' only` });

export const secureEdgeHostnameInputsSchema = z
  .object({
    /** CPS contract id (`K-0N7RAK71`; PAPI's `ctr_` prefix is added when missing). */
    contractId: idText("contract"),
    /** PAPI group id (`grp_12345` or `12345`). */
    groupId: idText("group"),
    /** PAPI product id, e.g. `prd_Fresca` (Ion Standard) or `prd_SPM` (Ion Premier). */
    productId: idText("product"),
    /** The certificate behind it; required for `enhanced-tls`. */
    enrollmentId: z.number({ message: "must be a CPS enrollment id (a positive integer)" }).int().positive().optional(),
    /** The site name the edge hostname is made for: `www.example.com` gives `www.example.com.edgekey.net`. */
    domainPrefix: z.string(expecting("a host name such as www.example.com", "is required: the site name, e.g. www.example.com")).transform(normalizeHostname),
    secureNetwork: z.enum(["enhanced-tls", "standard-tls", "shared-cert"]).default("enhanced-tls"),
    ipVersionBehavior: z.enum(["IPV4", "IPV6_COMPLIANCE", "IPV6_PERFORMANCE"]).default("IPV6_COMPLIANCE"),
    /** How long to wait for the certificate on production and the hostname to become active. Default 30m. */
    timeout: durationInput.optional(),
    /** Let `delete` go ahead while the enrollment's certificate is live on production (docs/troubleshooting.md#delete-refused). */
    allowDeleteWhileDeployed: z.boolean().default(false),
  })
  .strict()
  .superRefine((v, ctx) => {
    const p = hostnameProblem(v.domainPrefix, { allowWildcard: false });
    if (p) ctx.addIssue({ code: "custom", path: ["domainPrefix"], message: p });
    if (v.secureNetwork === "enhanced-tls" && v.enrollmentId === undefined) {
      ctx.addIssue({ code: "custom", path: ["enrollmentId"], message: 'is required with secureNetwork "enhanced-tls" (the edge hostname serves that enrollment\'s certificate)' });
    }
  });
type Inputs = z.output<typeof secureEdgeHostnameInputsSchema>;

/**
 * What the resource outputs besides its inputs, declared once: the provider writes them and the SDK's
 * `SecureEdgeHostname` class declares its output properties from this interface (sdk/secure-edge-hostname.ts).
 */
export interface SecureEdgeHostnameOutputs {
  /** The CNAME target, e.g. `www.example.com.edgekey.net`. */
  edgeHostname: string;
  /** Property Manager id of the edge hostname, `ehn_…`. */
  edgeHostnameId: string;
  /** `edgekey.net`, `edgesuite.net` or `akamaized.net`. */
  domainSuffix: string;
  /** Property Manager status, `ACTIVE` once usable. */
  status: string;
}

const INPUT_KEYS = Object.keys(secureEdgeHostnameInputsSchema.shape);

/** The inputs part of a state bag (state holds inputs and outputs together). */
function inputsFrom(props: Record<string, unknown>): Inputs {
  return parseInputs(secureEdgeHostnameInputsSchema, Object.fromEntries(Object.entries(props).filter(([k]) => INPUT_KEYS.includes(k))));
}

const REPLACE_KEYS = ["contractId", "groupId", "productId", "enrollmentId", "domainPrefix", "secureNetwork", "ipVersionBehavior"] as const;

function suffixOf(i: Inputs): string {
  return SECURE_NETWORK_SUFFIX[NETWORKS[i.secureNetwork]];
}

function outputsOf(i: Inputs, props: Given<z.input<typeof secureEdgeHostnameInputsSchema>>, item: EdgeHostnameItem) {
  const computed: SecureEdgeHostnameOutputs = { edgeHostname: item.edgeHostnameDomain, edgeHostnameId: item.edgeHostnameId, domainSuffix: item.domainSuffix, status: item.status ?? "ACTIVE" };
  return { ...props, ...i, ...computed };
}

async function waitForProductionCertificate(cps: CpsApi, enrollmentId: number, progress: Progress, deadlineMs: number): Promise<void> {
  await waitUntil(
    async () => {
      const deployed = await cps.getProductionDeployment(enrollmentId);
      return deployed ? { done: true, state: "on production" } : { state: "not on the production network yet" };
    },
    { what: `certificate of enrollment ${enrollmentId} on production (an edge hostname needs it)`, timeoutMs: deadlineMs, progress, minIntervalMs: 1_000, maxIntervalMs: 30_000, timeoutCode: "EdgeHostnameWaitsForCertificate" },
  );
}

async function waitForActive(cps: CpsApi, i: Inputs, id: string, progress: Progress, deadlineMs: number): Promise<EdgeHostnameItem> {
  return waitUntil(
    async () => {
      const item = await cps.edgeHostnames.get(id, i.contractId, i.groupId);
      if (!item) return { state: "not visible in PAPI yet" };
      const status = item.status ?? "ACTIVE";
      return status === "ACTIVE" ? { done: item, state: status } : { state: status };
    },
    { what: `edge hostname ${i.domainPrefix}.${suffixOf(i)} (Akamai takes 10-15 minutes)`, timeoutMs: deadlineMs, progress, minIntervalMs: 1_000, maxIntervalMs: 60_000 },
  );
}

/** The existing edge hostname with this name, if any. */
async function findByName(cps: CpsApi, i: Inputs): Promise<EdgeHostnameItem | undefined> {
  const items = await cps.edgeHostnames.list(i.contractId, i.groupId);
  return items.find((item) => normalizeHostname(item.domainPrefix) === i.domainPrefix && normalizeHostname(item.domainSuffix) === suffixOf(i));
}

async function createHostname(ctx: ResourceContext, i: Inputs, props: Given<z.input<typeof secureEdgeHostnameInputsSchema>>) {
  const { cps, progress } = ctx;
  const started = ctx.now();
  const budget = timeoutMs(i.timeout, 30 * 60_000);
  const remaining = () => Math.max(0, budget - (ctx.now() - started));
  if (i.enrollmentId !== undefined) await waitForProductionCertificate(cps, i.enrollmentId, progress, remaining());

  const existing = await findByName(cps, i);
  if (existing) {
    // Another stack, Control Center or an earlier tool made it: never take it over silently.
    throw new CodedError(
      "EdgeHostnameExists",
      `edge hostname ${existing.edgeHostnameDomain} already exists (${existing.edgeHostnameId}, status ${existing.status ?? "unknown"}) and is not in this stack's state. ` +
        "Use it as it is (CNAME to it directly), or delete it in Control Center first. See docs/troubleshooting.md#edge-hostname-already-exists",
    );
  }
  const body = {
    productId: i.productId,
    domainPrefix: i.domainPrefix,
    domainSuffix: suffixOf(i),
    secureNetwork: NETWORKS[i.secureNetwork],
    ipVersionBehavior: i.ipVersionBehavior,
    ...(i.enrollmentId !== undefined ? { certEnrollmentId: i.enrollmentId } : {}),
  };
  let id: string;
  try {
    id = await cps.edgeHostnames.create(i.contractId, i.groupId, body);
  } catch (e) {
    // The answer may be lost after PAPI created it (a 5xx or reset after the origin applied the
    // POST). We listed just before posting and it did not exist, so one with this name now is ours.
    if (!isTransient(e)) throw e;
    const landed = await findByName(cps, i);
    if (!landed) throw e;
    progress(`the create answer was lost, but ${landed.edgeHostnameDomain} (${landed.edgeHostnameId}) exists: continuing with it`);
    id = landed.edgeHostnameId;
  }
  progress(`created ${i.domainPrefix}.${suffixOf(i)} (${id}); waiting until it is active`);
  const partial = () => ({ ...props, ...i, edgeHostnameId: id, edgeHostname: `${i.domainPrefix}.${suffixOf(i)}`, domainSuffix: suffixOf(i), status: "PENDING" });
  const item = await keepInState(id, partial, () => waitForActive(cps, i, id, progress, Math.max(remaining(), 60_000)));
  return { id, outs: outputsOf(i, props, item) };
}

export const secureEdgeHostnameProvider = defineResource<typeof secureEdgeHostnameInputsSchema, SecureEdgeHostnameOutputs>({
  name: "secure-edge-hostname",
  inputs: secureEdgeHostnameInputsSchema,
  diffUnknown: () => ({ changes: true, replaces: [] }),
  async diff(_ctx, { olds, news: i }) {
    const before = inputsFrom(olds);
    // PAPI cannot change these on an existing edge hostname: a new one is needed. Creating the new
    // one first would collide on the name, so the old one goes first.
    const replaces = REPLACE_KEYS.filter((k) => before[k] !== i[k]);
    const changes = replaces.length > 0 || String(olds.timeout ?? "") !== String(i.timeout ?? "") || before.allowDeleteWhileDeployed !== i.allowDeleteWhileDeployed;
    return { changes, replaces: [...replaces], deleteBeforeReplace: true };
  },
  create: (ctx, { inputs, raw }) => createHostname(ctx, inputs, raw),
  async update(_ctx, { olds, news, raw }) {
    // Only provider-side inputs (timeout, allowDeleteWhileDeployed) reach here; everything PAPI holds replaces.
    return { outs: { ...olds, ...news, __cpsName: raw.__cpsName } };
  },
  async read(ctx, { id, props }) {
    const i = inputsFrom(props);
    const item = await ctx.cps.edgeHostnames.get(id, i.contractId, i.groupId);
    if (!item) return { id: "", props: {} };
    return { id, props: { ...props, edgeHostname: item.edgeHostnameDomain, status: item.status ?? "ACTIVE", ipVersionBehavior: item.ipVersionBehavior ?? i.ipVersionBehavior } };
  },
  async delete(ctx, { props }) {
    const prefix = String(props.domainPrefix ?? "");
    const suffix = String(props.domainSuffix ?? "");
    // A destroy deletes this before the Deployment (it depends on it), so it refuses on its own.
    await refuseWhileServingLiveCertificate(ctx.cps, props, { kind: "SecureEdgeHostname", name: `${prefix}.${suffix}` });
    try {
      await ctx.cps.edgeHostnames.delete(prefix, suffix);
    } catch (e) {
      if (e instanceof CpsApiError && (e.status === 400 || e.status === 409)) {
        throw new CodedError(
          "EdgeHostnameInUse",
          `Akamai refused to delete edge hostname ${prefix}.${suffix}: ${e.detail ?? e.plainMessage}. ` +
            "An edge hostname that an active property uses cannot be deleted: remove it from the property's hostnames and activate the property, then run `pulumi destroy` again. " +
            "See docs/troubleshooting.md#edge-hostname-in-use",
          { cause: e },
        );
      }
      throw e;
    }
  },
});
