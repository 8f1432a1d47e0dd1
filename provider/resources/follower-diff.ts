/**
 * Diff for resources that follow an enrollment's changes (DvValidation, Deployment): changed
 * inputs, a different enrollment (replace), or a pending change they have not handled yet — a SAN
 * change or a renewal — which the next `up` must wait for.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { changedInputs } from "./deprecated-inputs";
import { liveEnrollment } from "./live-enrollments";
import type { ResourceContext } from "./define-resource";

/**
 * During preview an enrollment that will be updated has unknown outputs (the dynamic-provider host
 * cannot preview updates), so an unknown enrollmentId nearly always means "same enrollment, being
 * updated". Planning a replacement here would show every Deployment as replaced after a cipher
 * edit; `up` diffs again with known values and replaces if the id really changed.
 */
export const followerDiffWhileUnknown = (): pulumi.dynamic.DiffResult => ({ changes: true, replaces: [] });

export async function diffFollower<S extends z.ZodObject>(
  ctx: ResourceContext,
  schema: S,
  /** State (the inputs as given last time, and the outputs, among them the change handled). */
  olds: Record<string, unknown> & { changeId?: number | null },
  /** The inputs as given now, and parsed. */
  news: Record<string, unknown>,
  inputs: { enrollmentId: number },
  /** Input keys whose change means a new resource (besides enrollmentId). */
  replaceKeys: readonly string[] = [],
): Promise<pulumi.dynamic.DiffResult> {
  const replaces = [
    ...(Number(olds.enrollmentId) !== inputs.enrollmentId ? ["enrollmentId"] : []),
    // Compared under their current names: a deprecated spelling of the same value is no change.
    ...changedInputs(schema, olds, news, replaceKeys),
  ];
  const inputChanged = changedInputs(schema, olds, news, Object.keys(schema.shape)).length > 0;
  let newChange = false;
  if (replaces.length === 0) {
    try {
      const pending = latestPendingChange(await liveEnrollment(ctx.cps, inputs.enrollmentId));
      newChange = !!pending && pending.changeId !== olds.changeId;
    } catch {
      // CPS unreachable during preview: compare inputs only
    }
  }
  return { changes: replaces.length > 0 || inputChanged || newChange, replaces };
}
