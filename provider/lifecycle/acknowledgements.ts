/**
 * Acknowledging what CPS asks a human to confirm (pre/post-verification warnings, change
 * management), according to a policy the user wrote down. Refusals fail with every warning's ID and
 * text so the user can extend the policy.
 */
import { CodedError, isNotFound, retrying, type AllowedInput, type CpsApi } from "../cps";
import { ExpectedWarnings, isExpectedWarning } from "./expected-warnings";
import { decideWarnings, describeWarnings, ClassifiedWarning, WarningPolicy } from "./warnings";
import type { Progress } from "./progress";

export class WarningsRefusedError extends CodedError {
  override readonly name: string = "WarningsRefusedError";
  constructor(
    readonly kind: "pre-verification" | "post-verification",
    readonly enrollmentId: number,
    readonly changeId: number,
    readonly refused: ClassifiedWarning[],
    policyInput: string,
  ) {
    super(
      "WarningsRefused",
      `CPS raised ${kind} warnings on enrollment ${enrollmentId} (change ${changeId}) that the ${policyInput} policy does not allow:\n` +
        describeWarnings(refused) +
        `\nReview them; to accept, add their IDs to ${policyInput} (or set it to "acknowledge-all") and run \`pulumi up\` again.`,
    );
  }
}

export interface WarningAckContext {
  client: CpsApi;
  enrollmentId: number;
  changeId: number;
  input: AllowedInput;
  policy: WarningPolicy;
  /** Input name shown in errors, e.g. "preVerificationWarnings". */
  policyInput: string;
  progress?: Progress;
  /** Warnings that are the direct consequence of the user's declared change: acknowledged whatever the policy. */
  expected?: ExpectedWarnings;
}

/** How often a 404 on warning info is answered by re-reading the change before it counts as real. */
export const WARNING_INFO_404_ATTEMPTS = 6;
const WARNING_INFO_404_DELAY_MS = 1_000;

/**
 * Read the warnings behind `input`. CPS sometimes answers 404 not-found on the warning info while the
 * change still offers that input (https://github.com/akamai/terraform-provider-akamai/issues/648;
 * Terraform's provider skips such 404s since 11.0): that is "re-read the change", not a failure. The
 * change is read again; while it still offers the input, its info is read again (with fresh links);
 * once it no longer does, CPS moved on and there is nothing to acknowledge (undefined). Also used by
 * the `getPendingChange` data function, which must not fail on that transient answer either.
 */
export async function readWarnings(
  kind: "pre-verification" | "post-verification",
  ctx: Pick<WarningAckContext, "client" | "enrollmentId" | "changeId" | "input" | "progress">,
): Promise<{ text: string; input: AllowedInput } | undefined> {
  let input = ctx.input;
  let movedOn = false;
  const read = await retrying(
    async () => {
      if (movedOn) return undefined;
      const text = kind === "pre-verification" ? await ctx.client.getPreVerificationWarnings(input) : await ctx.client.getPostVerificationWarnings(input);
      return { text, input };
    },
    {
      attempts: WARNING_INFO_404_ATTEMPTS,
      retryOn: async (error, attempt) => {
        if (!isNotFound(error) || attempt >= WARNING_INFO_404_ATTEMPTS) return false;
        const change = await ctx.client.getChangeStatus(ctx.enrollmentId, ctx.changeId);
        const offered = change.allowedInput.find((candidate) => candidate.type === input.type);
        if (offered === undefined) {
          movedOn = true;
          return true;
        }
        input = offered;
        ctx.progress?.(`CPS answered 404 on the ${kind} warnings of change ${ctx.changeId} while still asking for them (a known transient answer); reading them again`);
        return true;
      },
      delayMs: (attempt) => (movedOn ? 0 : WARNING_INFO_404_DELAY_MS * attempt),
    },
  );
  return read;
}

/** Fetch the warnings behind `input`, acknowledge them if the policy allows, else throw WarningsRefusedError. */
export async function handleWarnings(kind: "pre-verification" | "post-verification", ctx: WarningAckContext): Promise<ClassifiedWarning[]> {
  const read = await readWarnings(kind, ctx);
  if (read === undefined) return [];
  ctx = { ...ctx, input: read.input };
  const text = read.text;
  const decision = decideWarnings(text, ctx.policy);
  const refused = decision.refused.filter((w) => !isExpectedWarning(w, ctx.expected));
  if (refused.length > 0) throw new WarningsRefusedError(kind, ctx.enrollmentId, ctx.changeId, refused, ctx.policyInput);
  const consequences = decision.refused.filter((w) => isExpectedWarning(w, ctx.expected));
  if (consequences.length > 0) {
    ctx.progress?.(
      `${consequences.map((w) => w.id).join(", ")}: the expected consequence of removing ${ctx.expected!.removedNames.join(", ")} from the certificate, acknowledged without ${ctx.policyInput}`,
    );
  }
  if (kind === "pre-verification") await ctx.client.acknowledgePreVerificationWarnings(ctx.input, "acknowledge");
  else await ctx.client.acknowledgePostVerificationWarnings(ctx.input, "acknowledge");
  ctx.progress?.(
    decision.warnings.length > 0
      ? `acknowledged ${kind} warnings: ${decision.warnings.map((w) => w.id).join(", ")}`
      : `acknowledged ${kind} check (no warning text)`,
  );
  return decision.warnings;
}

/** Acknowledge change management with the validation result hash, so only what was reviewed goes to production. */
export async function acknowledgeChangeManagement(client: CpsApi, input: AllowedInput, progress?: Progress): Promise<void> {
  const info = await client.getChangeManagementInfo(input);
  const hash = info.validationResultHash;
  await client.acknowledgeChangeManagement(input, "acknowledge", hash ?? undefined);
  progress?.(`acknowledged change management${hash ? ` (validation result ${String(hash).slice(0, 12)}…)` : ""}: deploying to production`);
}
