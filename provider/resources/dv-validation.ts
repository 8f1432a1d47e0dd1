/**
 * The DvValidation dynamic provider: blocks `pulumi up` until the CA has validated every domain of
 * the enrollment's pending DV change and the certificate is issued — not merely until challenges
 * exist (Terraform #620, #794). Before telling CPS the challenges are in place it checks that the
 * TXT records are visible at the zone's authoritative servers (or configured resolvers).
 */
import { z } from "zod";
import { AllowedInput, ChangeStatus, CpsApiError, type CpsApi, isNotFound } from "../cps";
import { DomainValidationState, domainStatesFromHistory, ExtractedChallenges, extractChallenges, isDomainValidated } from "../lifecycle/challenges";
import { checkTxtRecords } from "../lifecycle/dns-propagation";
import { namesValidatedByAkamai, VALIDATED_BY_AKAMAI } from "../lifecycle/validated-by-akamai";
import { acknowledgePostVerification, ChangeHandler, doneWhen, failOnError, followChange, refuseWhen } from "../lifecycle/follow";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { waitUntil } from "../lifecycle/poll";
import type { Progress } from "../lifecycle/progress";
import { findInput, INPUT, isComplete, isDvCoordination, isPastIssuance } from "../lifecycle/statuses";
import { durationInput, enrollmentIdInput, timeoutMs, warningPolicyInput } from "./common-inputs";
import { expecting, resolverInput } from "./strict-inputs";
import { sanRemovalOf } from "./san-removal";
import { keepInState } from "./partial-state";
import { diffFollower, followerDiffWhileUnknown } from "./follower-diff";
import { withDeprecatedNames } from "./deprecated-inputs";
import { defineResource, type Given, type ResourceContext } from "./define-resource";
import { CodedError } from "./coded-error";

export const dvValidationInputsSchema = withDeprecatedNames(
  z
  .object({
    enrollmentId: enrollmentIdInput,
    /** Which challenge the records answer; dns-01 also enables the propagation check. */
    challengeType: z.enum(["dns-01", "http-01"]).default("dns-01"),
    propagationCheck: z.boolean().default(true),
    /** `host` or `host:port` resolvers for the propagation check (default: the provider's dnsResolvers, else the zone's authoritative servers). */
    dnsResolvers: z.array(resolverInput, expecting('a list of resolver addresses, e.g. ["192.0.2.53", "192.0.2.54:5353"]')).optional(),
    postVerificationWarnings: warningPolicyInput.default("fail"),
    propagationTimeout: durationInput.default("10m"),
    timeout: durationInput.default("60m"),
  })
  .strict(),
  // Deprecated spellings (issue #17), the names AcmeCertificate and the provider settings use now.
  { checkPropagation: "propagationCheck", resolvers: "dnsResolvers" },
);
export type DvValidationInputs = z.output<typeof dvValidationInputsSchema>;

type Schema = typeof dvValidationInputsSchema;

/**
 * What DvValidation outputs, declared once: the provider writes them and the SDK's `DvValidation`
 * class declares its output properties from this interface (sdk/dv-validation.ts).
 */
export interface DvValidationOutputs {
  /** The enrollment validated. */
  enrollmentId: number;
  /** The change that was validated (null when nothing was pending). */
  changeId: number | null;
  /** The change's status when validation finished. */
  status: string;
  /** The names the CA validated. */
  validatedDomains: string[];
  /**
   * CPS's per-domain validation state when validation finished, by domain. A name Akamai validated
   * itself (it is CNAMEd to this certificate's edge hostname, no token of yours) has `validatedByAkamai: true`.
   */
  domainStatus: Record<string, DomainValidationState>;
}

/** How often a waiting DvValidation re-reads the per-domain validation state. */
const DOMAIN_REFRESH_MS = 20_000;

const terminalDomainStatuses = new Set(["INVALIDATED", "TOKEN_EXPIRED", "EXPIRED", "ERROR", "INVALID"]);

function domainSummary(states: Record<string, DomainValidationState>): { pending: string[]; failed: string[]; detail: string } {
  const pending: string[] = [];
  const failed: string[] = [];
  const parts: string[] = [];
  for (const [domain, s] of Object.entries(states)) {
    if (isDomainValidated(s)) continue;
    pending.push(domain);
    const vs = s.validationStatus.toUpperCase();
    if (terminalDomainStatuses.has(vs) || s.status.toLowerCase() === "invalid") failed.push(domain);
    parts.push(`${domain}: ${s.validationStatus || s.status || "pending"}${s.error ? ` (${s.error})` : ""}`);
  }
  return { pending, failed, detail: pending.length === 0 ? "all domains validated" : `${pending.length} pending - ${parts.join("; ")}` };
}

/**
 * Waits until the TXT records of the names still to validate are visible. While some are missing,
 * the domains' state is read again (`refresh`, at most every DOMAIN_REFRESH_MS): CPS may validate a
 * name by itself meanwhile (a name CNAMEd to this certificate's edge hostname), and no record for it
 * will ever appear.
 */
async function waitForPropagation(
  challenges: ExtractedChallenges,
  inputs: DvValidationInputs,
  progress: Progress,
  refresh: () => Promise<Record<string, DomainValidationState>>,
  txtLookup: ResourceContext["txtLookup"],
): Promise<void> {
  let expected = Object.entries(challenges.dnsChallenges)
    .filter(([domain]) => !isDomainValidated(challenges.domainStatus[domain]))
    .map(([domain, c]) => ({ domain, recordName: c.recordName, value: c.value }));
  if (expected.length === 0) return;
  const lookup = txtLookup(inputs.dnsResolvers);
  let refreshedAt = Date.now();
  await waitUntil<true>(
    async () => {
      let results = await checkTxtRecords(lookup, expected);
      if (results.some((r) => !r.ok) && Date.now() - refreshedAt >= DOMAIN_REFRESH_MS) {
        refreshedAt = Date.now();
        const states = await refresh();
        expected = expected.filter((e) => !isDomainValidated(states[e.domain]));
        results = results.filter((r) => expected.some((e) => e.domain === r.domain));
      }
      const missing = results.filter((r) => !r.ok);
      if (missing.length === 0) return { done: true, state: "all TXT records visible" };
      return { state: `${missing.length}/${results.length} TXT records not visible yet`, detail: missing.map((m) => m.reason).join("; ") };
    },
    { what: "DNS propagation of _acme-challenge records", timeoutMs: timeoutMs(inputs.propagationTimeout, 10 * 60_000), progress, maxIntervalMs: 5000, timeoutCode: "DnsNotPropagated" },
  );
}

/**
 * Whether the change issues a certificate. A network-settings change has the action
 * `update-network-configuration` in the change history (change-history.v5,
 * https://techdocs.akamai.com/cps/reference/get-enrollment-history-changes) while its pending
 * changeType can still read like a certificate change; without the history, go by the changeType.
 */
async function issuesCertificate(client: CpsApi, enrollmentId: number, changeType: string | null | undefined): Promise<boolean> {
  const history = await client.getChangeHistory(enrollmentId).catch(() => undefined);
  const current = history?.changes.find((c) => c.status === "incomplete");
  if (current) return current.action !== "update-network-configuration";
  return changeType == null || /new-certificate|renew|modify-san|modify-certificate|reissue/.test(changeType);
}

/** What to fix, for the challenge type the records answer and the change they belong to. */
function fixAdvice(challengeType: DvValidationInputs["challengeType"], changeType: string | null | undefined): string {
  const fresh = changeType && changeType !== "new-certificate" ? ` This ${changeType} change has new challenge values: the records must carry the values the Enrollment outputs now, not the previous change's.` : "";
  return challengeType === "http-01"
    ? `Serve each token at http://<domain>/.well-known/acme-challenge/<token> with the body from the Enrollment's httpChallenges (port 80, no redirect to another host), then run \`pulumi up\` again.${fresh}`
    : `Publish the TXT record _acme-challenge.<domain> with the value from the Enrollment's dnsChallenges (check it at the zone's authoritative servers), then run \`pulumi up\` again.${fresh}`;
}

/** The per-domain state now, when the change still coordinates domain validation; undefined once it moved on. */
async function currentDomains(client: CpsApi, enrollmentId: number, changeId: number): Promise<Record<string, DomainValidationState> | undefined> {
  const change = await client.getChangeStatus(enrollmentId, changeId);
  const dv = findInput(change, INPUT.letsEncryptChallenges);
  if (!dv || !isDvCoordination(change.statusInfo.status)) return undefined;
  return extractChallenges(await client.getDvChallenges(dv)).domainStatus;
}

interface ValidationResult {
  changeId: number | null;
  status: string;
  validatedDomains: string[];
  domainStatus: Record<string, DomainValidationState>;
}

/**
 * CPS answers 404 for the change of a deleted enrollment: say that the enrollment is gone (deleted
 * outside Pulumi) and how the next `up` recovers, instead of a bare 404 on the change.
 */
async function enrollmentGoneOr(client: CpsApi, enrollmentId: number, changeId: number | null, e: unknown): Promise<unknown> {
  if (!isNotFound(e)) return e;
  const gone = changeId === null ? true : await client.findEnrollment(enrollmentId).then((found) => found === undefined, () => false);
  if (!gone) return e;
  return new CodedError(
    "EnrollmentDeleted",
    `Enrollment ${enrollmentId} no longer exists in CPS (deleted outside Pulumi${changeId !== null ? ` while this DvValidation waited for change ${changeId}` : ""}). ` +
      "Nothing is left to validate. Run `pulumi up` again: the Enrollment sees it is gone and creates it again, and this DvValidation follows the new enrollment. " +
      "See docs/troubleshooting.md#enrollment-deleted.",
  );
}

/** What one DvValidation learns about the domains while it follows the change, shared by its handlers and its outcome. */
class DomainWatch {
  /** Whether CPS was told the challenges are in place. */
  acknowledged = false;
  lastDomains: Record<string, DomainValidationState> = {};
  lastDomainsAt = 0;
  /** Set once an error listed the domains, so the outcome does not list them again. */
  domainsReported = false;
  private readonly reportedByAkamai = new Set<string>();

  constructor(
    readonly client: CpsApi,
    readonly inputs: DvValidationInputs,
    readonly changeType: string | null,
    readonly progress: Progress,
    readonly txtLookup: ResourceContext["txtLookup"],
  ) {}

  /** One progress line per name Akamai validated itself, the first time it is seen. */
  reportValidatedByAkamai(states: Record<string, DomainValidationState> = this.lastDomains): void {
    const fresh = namesValidatedByAkamai(states).filter((d) => !this.reportedByAkamai.has(d));
    for (const d of fresh) this.reportedByAkamai.add(d);
    if (fresh.length > 0) this.progress(`${fresh.join(", ")}: ${VALIDATED_BY_AKAMAI} (no challenge of yours needed)`);
  }

  async readDomains(dv: AllowedInput): Promise<ExtractedChallenges> {
    const challenges = extractChallenges(await this.client.getDvChallenges(dv));
    this.lastDomains = challenges.domainStatus;
    this.lastDomainsAt = Date.now();
    return challenges;
  }
}

/** The change's DV input while it coordinates domain validation; otherwise CPS is busy and the step reports the status. */
const coordinatingDv = (change: ChangeStatus): AllowedInput | undefined => {
  const dv = findInput(change, INPUT.letsEncryptChallenges);
  return dv && isDvCoordination(change.statusInfo.status) ? dv : undefined;
};

const unlessCoordinatingDv: ChangeHandler<never> = ({ change, state }) => (coordinatingDv(change) ? undefined : { state });

/**
 * The per-domain state costs a second call; once the challenges are submitted, the change status
 * says when validation is over, so the domains are read at most every DOMAIN_REFRESH_MS.
 */
function recentDomains(watch: DomainWatch): ChangeHandler<never> {
  return ({ state }) => {
    if (!watch.acknowledged || Date.now() - watch.lastDomainsAt >= DOMAIN_REFRESH_MS) return undefined;
    return { state, detail: `${domainSummary(watch.lastDomains).detail} (as read ${Math.round((Date.now() - watch.lastDomainsAt) / 1000)}s ago)` };
  };
}

/** Once: wait until the TXT records are visible (dns-01 with the check on), then tell CPS the challenges are in place. */
function submitChallenges(watch: DomainWatch): ChangeHandler<never> {
  return async ({ change }) => {
    const dv = coordinatingDv(change);
    if (watch.acknowledged || !dv) return undefined;
    const challenges = await watch.readDomains(dv);
    watch.reportValidatedByAkamai();
    const { inputs, progress, client } = watch;
    if (inputs.challengeType === "dns-01" && inputs.propagationCheck) {
      await waitForPropagation(challenges, inputs, progress, async () => (await watch.readDomains(dv)).domainStatus, watch.txtLookup);
    }
    watch.reportValidatedByAkamai();
    try {
      await client.acknowledgeDvChallenges(dv);
      progress(`told CPS the ${inputs.challengeType} challenges are in place for ${Object.keys(challenges.domainStatus).length} domain(s)`);
    } catch (e) {
      // (Transient failures are retried by waitUntil with a fresh status read.) It may have validated and moved on between our read and the acknowledgement (409/404
      // after the client's own retries): the next status read tells.
      if (!(isNotFound(e) || (e instanceof CpsApiError && e.status === 409))) throw e;
      progress(`CPS no longer takes the challenge acknowledgement (${e.status}); it has moved on by itself`);
    }
    watch.acknowledged = true;
    return { state: "challenges submitted" };
  };
}

/** After submitting: report the domains still pending; a domain the CA refused fails the validation with what to fix. */
function watchDomains(watch: DomainWatch): ChangeHandler<never> {
  return async ({ ids, change, state }) => {
    const dv = coordinatingDv(change);
    if (!dv) return undefined;
    const challenges = await watch.readDomains(dv);
    watch.reportValidatedByAkamai();
    const summary = domainSummary(challenges.domainStatus);
    if (summary.failed.length > 0) {
      watch.domainsReported = true;
      throw new CodedError(
        "ValidationFailed",
        `Domain validation failed for enrollment ${ids.enrollmentId} (change ${ids.changeId}${watch.changeType ? `, ${watch.changeType}` : ""}):\n` +
          summary.failed.map((d) => `  - ${d}: ${challenges.domainStatus[d]!.validationStatus}${challenges.domainStatus[d]!.error ? `: ${challenges.domainStatus[d]!.error}` : ""}`).join("\n") +
          `\n${fixAdvice(watch.inputs.challengeType, watch.changeType)}`,
      );
    }
    return { state, detail: summary.detail };
  };
}

async function validate(ctx: ResourceContext, inputs: DvValidationInputs): Promise<ValidationResult> {
  const { cps: client, progress } = ctx;
  const enrollment = await client.getEnrollment(inputs.enrollmentId).catch(async (e: unknown) => {
    throw await enrollmentGoneOr(client, inputs.enrollmentId, null, e);
  });
  const pending = latestPendingChange(enrollment);
  const names = [...new Set([enrollment.csr.cn, ...(enrollment.csr.sans ?? [])].map((n) => n.toLowerCase()))];
  if (!pending) {
    progress(`enrollment ${inputs.enrollmentId} has no pending change: its certificate is already issued`);
    return { changeId: null, status: "active", validatedDomains: [...names].sort(), domainStatus: {} };
  }
  const changeId = pending.changeId;
  const timeout = timeoutMs(inputs.timeout, 60 * 60_000);
  const started = Date.now();
  const watch = new DomainWatch(client, inputs, pending.changeType, progress, ctx.txtLookup);

  try {
    const change = await followChange<ChangeStatus>(
      { cps: client, progress },
      { enrollmentId: inputs.enrollmentId, changeId },
      [
        failOnError,
        acknowledgePostVerification({ policy: inputs.postVerificationWarnings, policyInput: "postVerificationWarnings", expected: () => sanRemovalOf(client, inputs.enrollmentId) }),
        doneWhen((c) => isComplete(c) || isPastIssuance(c), (c) => c),
        refuseWhen(
          (c) => findInput(c, INPUT.preVerificationWarnings) !== undefined,
          (ids) =>
            new CodedError(
              "WarningsRefused",
              `Enrollment ${ids.enrollmentId} change ${ids.changeId} waits for pre-verification warnings to be acknowledged; that is the Enrollment's preVerificationWarnings policy. Update the Enrollment, then run \`pulumi up\` again.`,
            ),
        ),
        unlessCoordinatingDv,
        recentDomains(watch),
        submitChallenges(watch),
        watchDomains(watch),
      ],
      {
        what: `validation of enrollment ${inputs.enrollmentId}`,
        timeoutMs: timeout,
        onGone: async (e) => {
          throw await enrollmentGoneOr(client, inputs.enrollmentId, changeId, e);
        },
      },
    );
    const elapsed = `after ${Math.round((Date.now() - started) / 1000)}s (status ${change.statusInfo.status})`;
    progress(
      (await issuesCertificate(client, inputs.enrollmentId, pending.changeType))
        ? `certificate issued for ${names.length} name(s) ${elapsed}`
        : `change ${changeId} (${pending.changeType ?? "unknown type"}) is past domain validation ${elapsed}; it issues no new certificate`,
    );
    // The change may have left domain validation before this wait read its challenges (CPS's own DNS
    // recheck, or names Akamai validated itself): then the per-domain state comes from the DV history.
    if (Object.keys(watch.lastDomains).length === 0) {
      const history = await client.getDvHistory(inputs.enrollmentId).catch(() => undefined);
      if (history) watch.lastDomains = domainStatesFromHistory(history, names);
    }
    watch.reportValidatedByAkamai();
    return { changeId, status: change.statusInfo.status, validatedDomains: [...names].sort(), domainStatus: watch.lastDomains };
  } catch (e) {
    if (watch.domainsReported) throw e;
    // What the user reads must be true now: the last read may predate an acknowledgement after which
    // CPS validated every name (e.g. a warning refused after validation), so read the domains again.
    const now = await currentDomains(client, inputs.enrollmentId, changeId).catch(() => undefined);
    const summary = domainSummary(now ?? {});
    if (summary.pending.length > 0 && e instanceof Error) {
      e.message += `\nDomains not validated yet (read just now): ${summary.detail}\n${fixAdvice(inputs.challengeType, pending.changeType)}`;
    }
    throw e;
  }
}

function outputs(props: Given<z.input<Schema>>, inputs: DvValidationInputs, r: ValidationResult) {
  return { ...props, enrollmentId: inputs.enrollmentId, changeId: r.changeId, status: r.status, validatedDomains: r.validatedDomains, domainStatus: r.domainStatus };
}

export const dvValidationProvider = defineResource<Schema, DvValidationOutputs>({
  name: "validation",
  inputs: dvValidationInputsSchema,
  diffUnknown: followerDiffWhileUnknown,
  /** A new DV change (SAN change, renewal) on the enrollment re-runs the validation. */
  diff: (ctx, { olds, news, raw }) => diffFollower(ctx, dvValidationInputsSchema, olds, raw, news),
  async create(ctx, { inputs, raw: props }) {
    const id = `${inputs.enrollmentId}`;
    // Until validation is done, state records that it started (partial state on failure).
    let outs: Record<string, unknown> = { ...props, changeId: null, status: "validating", validatedDomains: [], domainStatus: {} };
    return keepInState(id, () => outs, async () => {
      const done = outputs(props, inputs, await validate(ctx, inputs));
      outs = done;
      return { id, outs: done };
    });
  },
  async update(ctx, { id, olds, news: inputs, raw: news }) {
    let outs: Record<string, unknown> = { ...olds, ...news };
    return keepInState(id, () => outs, async () => {
      const done = outputs(news, inputs, await validate(ctx, inputs));
      outs = done;
      return { outs: done };
    });
  },
  /** Reports the current state; never waits. */
  async read(ctx, { id, props }) {
    const enrollmentId = Number(props.enrollmentId ?? id);
    try {
      const enrollment = await ctx.cps.getEnrollment(enrollmentId);
      const pending = latestPendingChange(enrollment);
      if (!pending || pending.changeId !== props.changeId) return { id, props };
      const change = await ctx.cps.getChangeStatus(enrollmentId, pending.changeId);
      return { id, props: { ...props, status: change.statusInfo.status } };
    } catch {
      return { id, props };
    }
  },
  /** Validation has nothing to undo in CPS: removing it only forgets it. */
  async delete() {},
});
