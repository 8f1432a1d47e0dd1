/**
 * Read-only look-ups for programs (the SDK's `getEnrollment`, `getEnrollments`, `getDeployments`,
 * `getPendingChange`), the counterparts of `@pulumi/akamai`'s `getCpsEnrollment(s)`,
 * `getCpsDeployments` and `getCpsWarnings`. They run in the program's process (not in the
 * dynamic-provider host), read the stack's `pulumi-akamai-cps:*` settings the same way the
 * providers do, and share the client (and so the account budget) of that process. No state.
 */
import { z } from "zod";
import type { Deployment, Enrollment } from "../cps";
import { readWarnings } from "../lifecycle/acknowledgements";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { classifyWarnings, type ClassifiedWarning } from "../lifecycle/warnings";
import { configureFrom, getClient } from "./provider-config";
import { CONFIG_NAMESPACE } from "./provider-config";
import { inputErrorMap } from "./check-failures";
import { CodedError } from "./coded-error";

/** Where settings come from: the program's stack config (`pulumi.Config("pulumi-akamai-cps")`). */
export interface SettingsSource {
  get(key: string): string | undefined;
}

const enrollmentIdArg = z.object({ enrollmentId: z.number({ message: "enrollmentId must be a CPS enrollment id (a positive integer)" }).int().positive() }).strict();
const contractIdArg = z.object({ contractId: z.string().min(1, { message: "contractId must be a CPS contract id such as K-0N7RAK71" }) }).strict();

function parseArgs<S extends z.ZodType>(fn: string, schema: S, args: unknown): z.output<S> {
  const parsed = schema.safeParse(args, { error: inputErrorMap });
  if (!parsed.success) throw new CodedError("BadInput", `${fn}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; ")}`);
  return parsed.data;
}

function client(settings: SettingsSource) {
  configureFrom({ get: (key) => settings.get(key.startsWith(`${CONFIG_NAMESPACE}:`) ? key.slice(CONFIG_NAMESPACE.length + 1) : key) });
  return getClient();
}

export async function getEnrollment(settings: SettingsSource, args: unknown): Promise<Enrollment> {
  const { enrollmentId } = parseArgs("getEnrollment", enrollmentIdArg, args);
  return client(settings).getEnrollment(enrollmentId);
}

export async function getEnrollments(settings: SettingsSource, args: unknown): Promise<Enrollment[]> {
  const { contractId } = parseArgs("getEnrollments", contractIdArg, args);
  return client(settings).listEnrollments(contractId);
}

/** What `getDeployments` returns: the certificates on each network. */
export interface DeploymentsResult {
  /** What is on production (null when nothing is deployed there). */
  production: Deployment | null;
  /** What is on staging (null when nothing is deployed there). */
  staging: Deployment | null;
}

export async function getDeployments(settings: SettingsSource, args: unknown): Promise<DeploymentsResult> {
  const { enrollmentId } = parseArgs("getDeployments", enrollmentIdArg, args);
  const cps = client(settings);
  const [production, staging] = await Promise.all([cps.getProductionDeployment(enrollmentId), cps.getStagingDeployment(enrollmentId)]);
  return { production: production ?? null, staging: staging ?? null };
}

/** What `getPendingChange` returns: the enrollment's pending change, what CPS waits for and its warnings. */
export interface PendingChangeResult {
  /** null when nothing is pending. */
  changeId: number | null;
  /** `new-certificate`, `renewal`, `modify-san`, ... (null when nothing is pending). */
  changeType: string | null;
  /** The change's status, e.g. `wait-upload-third-party` (null when nothing is pending). */
  status: string | null;
  /** The change's state, e.g. `awaiting-input`, `running` (null when nothing is pending). */
  state: string | null;
  /** Inputs CPS waits for (`lets-encrypt-challenges`, `change-management`, …). */
  allowedInputs: string[];
  /** Pre- and post-verification warnings offered for acknowledgement, with their stable IDs. */
  warnings: ClassifiedWarning[];
}

/** How often the whole read starts over when CPS moved on while its warnings were being read. */
const PENDING_CHANGE_READS = 3;

export async function getPendingChange(settings: SettingsSource, args: unknown): Promise<PendingChangeResult> {
  const { enrollmentId } = parseArgs("getPendingChange", enrollmentIdArg, args);
  const cps = client(settings);
  for (let attempt = 1; ; attempt++) {
    const pending = latestPendingChange(await cps.getEnrollment(enrollmentId));
    if (!pending) return { changeId: null, changeType: null, status: null, state: null, allowedInputs: [], warnings: [] };
    const change = await cps.getChangeStatus(enrollmentId, pending.changeId);
    const warnings: ClassifiedWarning[] = [];
    let movedOn = false;
    for (const input of change.allowedInput) {
      const kind =
        input.type === "pre-verification-warnings-acknowledgement" ? "pre-verification" : input.type === "post-verification-warnings-acknowledgement" ? "post-verification" : undefined;
      if (kind === undefined) continue;
      // CPS sometimes answers 404 on warning info while the change still asks for it
      // (https://github.com/akamai/terraform-provider-akamai/issues/648): readWarnings reads again
      // instead of failing the user's program; undefined when the change no longer offers the input.
      const read = await readWarnings(kind, { client: cps, enrollmentId, changeId: pending.changeId, input });
      if (read === undefined) movedOn = true;
      else warnings.push(...classifyWarnings(read.text));
    }
    // The status read above is stale once CPS moved past the warnings: read it all again.
    if (movedOn && attempt < PENDING_CHANGE_READS) continue;
    return {
      changeId: pending.changeId,
      changeType: pending.changeType,
      status: change.statusInfo.status,
      state: change.statusInfo.state,
      allowedInputs: change.allowedInput.map((i) => i.type),
      warnings,
    };
  }
}
