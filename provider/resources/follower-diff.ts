/**
 * Diff for resources that follow an enrollment's changes (DvValidation, Deployment): changed
 * inputs, a different enrollment (replace), or a pending change they have not handled yet — a SAN
 * change or a renewal — which the next `up` must wait for.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { latestPendingChange } from "../lifecycle/pending-changes";
import { parseInputs } from "./check";
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
  if (hasUnknowns(news)) return { changes: true, replaces: hasUnknowns(news.enrollmentId) ? ["enrollmentId"] : [] };
  const inputs = parseInputs(schema, news) as { enrollmentId: number };
  const replaces = [
    ...(Number(olds.enrollmentId) !== inputs.enrollmentId ? ["enrollmentId"] : []),
    ...replaceKeys.filter((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)),
  ];
  const inputChanged = Object.keys(schema.shape).some((k) => JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null));
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
