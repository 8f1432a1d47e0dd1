/**
 * Diff for resources that follow an enrollment's changes (DvValidation, Deployment): changed
 * inputs, a different enrollment (replace), or a pending change they have not handled yet — a SAN
 * change or a renewal — which the next `up` must wait for.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { parseInputs } from "./check";
import { changedInputs } from "./deprecated-inputs";
import { liveEnrollment } from "./live-enrollments";
import { getClient } from "./provider-config";
import { hasUnknowns } from "./unknowns";

type Props = Record<string, unknown>;

export async function diffFollower<S extends z.ZodObject>(
  schema: S,
  olds: Props,
  news: Props,
  /** Input keys whose change means a new resource (besides enrollmentId). */
  replaceKeys: readonly string[] = [],
): Promise<pulumi.dynamic.DiffResult> {
  // During preview an enrollment that will be updated has unknown outputs (the dynamic-provider host
  // cannot preview updates), so an unknown enrollmentId nearly always means "same enrollment, being
  // updated". Planning a replacement here would show every Deployment as replaced after a cipher
  // edit; `up` diffs again with known values and replaces if the id really changed.
  if (hasUnknowns(news)) return { changes: true, replaces: [] };
  const inputs = parseInputs(schema, news) as { enrollmentId: number };
  const replaces = [
    ...(Number(olds.enrollmentId) !== inputs.enrollmentId ? ["enrollmentId"] : []),
    // Compared under their current names: a deprecated spelling of the same value is no change.
    ...changedInputs(schema, olds, news, replaceKeys),
  ];
  const inputChanged = changedInputs(schema, olds, news, Object.keys(schema.shape)).length > 0;
  let newChange = false;
  if (replaces.length === 0) {
    try {
      const pending = latestPendingChange(await liveEnrollment(getClient(), inputs.enrollmentId));
      newChange = !!pending && pending.changeId !== olds.changeId;
    } catch {
      // CPS unreachable during preview: compare inputs only
    }
  }
  return { changes: replaces.length > 0 || inputChanged || newChange, replaces };
}
