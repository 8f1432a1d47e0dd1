/**
 * Acknowledging what CPS asks a human to confirm (pre/post-verification warnings, change
 * management), according to a policy the user wrote down. Refusals fail with every warning's ID and
 * text so the user can extend the policy.
 */
import type { AllowedInput, CpsClient } from "../cps";
import { ExpectedWarnings, isExpectedWarning } from "./expected-warnings";
import { decideWarnings, describeWarnings, ClassifiedWarning, WarningPolicy } from "./warnings";
import type { Progress } from "./progress";

export class WarningsRefusedError extends Error {
  constructor(
    readonly kind: "pre-verification" | "post-verification",
    readonly enrollmentId: number,
    readonly changeId: number,
    readonly refused: ClassifiedWarning[],
    policyInput: string,
  ) {
    super(
      `CPS raised ${kind} warnings on enrollment ${enrollmentId} (change ${changeId}) that the ${policyInput} policy does not allow:\n` +
        describeWarnings(refused) +
        `\nReview them; to accept, add their IDs to ${policyInput} (or set it to "acknowledge-all") and run \`pulumi up\` again.`,
    );
    this.name = "WarningsRefusedError";
  }
}

export interface WarningAckContext {
  client: CpsClient;
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

/** Fetch the warnings behind `input`, acknowledge them if the policy allows, else throw WarningsRefusedError. */
export async function handleWarnings(kind: "pre-verification" | "post-verification", ctx: WarningAckContext): Promise<ClassifiedWarning[]> {
  const text =
    kind === "pre-verification" ? await ctx.client.getPreVerificationWarnings(ctx.input) : await ctx.client.getPostVerificationWarnings(ctx.input);
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
export async function acknowledgeChangeManagement(client: CpsClient, input: AllowedInput, progress?: Progress): Promise<void> {
  const info = await client.getChangeManagementInfo(input);
  const hash = info.validationResultHash;
  await client.acknowledgeChangeManagement(input, "acknowledge", hash ?? undefined);
  progress?.(`acknowledged change management${hash ? ` (validation result ${String(hash).slice(0, 12)}…)` : ""}: deploying to production`);
}
