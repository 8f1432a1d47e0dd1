/**
 * How to tell whether a PUT, DELETE or POST landed when its answer was lost (a 500 `forward-origin-error`
 * or a dropped connection after the request was written): each reads the live state and returns the
 * answer that stands for what landed, or undefined when the request provably did not land (or when
 * sending it again cannot undo or duplicate what landed). The transport calls them (`ApiRequest.landed`);
 * it never resends a non-GET without one. Akamai's Go client does not retry non-GETs at all
 * (https://github.com/akamai/AkamaiOPEN-edgegrid-golang/blob/master/pkg/session/retries.go).
 */
import { isNotFound } from "./api";
import { MediaType } from "./media-types";
import { type CpsContext, parseResponse } from "./context";
import type { LandedCheck } from "./transport";
import { changeStatusSchema } from "./schemas/change";
import { z } from "zod";
import { deploymentScheduleSchema } from "./schemas/change";

/** Only what these checks need of an enrollment: its pending changes (path strings up to v9, objects from v10). */
const pendingOnly = z.looseObject({
  pendingChanges: z
    .array(z.union([z.string(), z.looseObject({ location: z.string() })]))
    .nullish()
    .transform((items) => (items ?? []).map((item) => Number(/(\d+)\/?$/.exec(typeof item === "string" ? item : item.location)?.[1] ?? NaN)).filter(Number.isFinite)),
});

async function pendingChangeIds(ctx: CpsContext, enrollmentId: number): Promise<number[] | "gone"> {
  const path = `/cps/v2/enrollments/${enrollmentId}`;
  const version = ctx.negotiated.enrollmentVersion;
  try {
    const response = await ctx.transport.send({ method: "GET", path, accept: version === 12 ? MediaType.enrollmentV12 : MediaType.enrollmentV11 });
    return parseResponse(pendingOnly, response, "GET").pendingChanges;
  } catch (error) {
    if (isNotFound(error)) return "gone";
    throw error;
  }
}

/**
 * `PUT /enrollments/{id}`: it landed when a change appeared that was not pending before (`before`,
 * read just ahead of the PUT). No new change: it opened nothing, and sending it again cannot cancel
 * a change it opened itself.
 */
export async function pendingBefore(ctx: CpsContext, enrollmentId: number): Promise<number[] | undefined> {
  try {
    const ids = await pendingChangeIds(ctx, enrollmentId);
    return ids === "gone" ? [] : ids;
  } catch {
    return undefined; // the PUT still goes out; only a lost answer to it cannot be told apart then
  }
}

export function enrollmentUpdateLanded(ctx: CpsContext, enrollmentId: number, before: readonly number[] | undefined): LandedCheck {
  return async () => {
    if (before === undefined) return "unknown";
    const now = await pendingChangeIds(ctx, enrollmentId);
    if (now === "gone") return undefined;
    const opened = now.filter((id) => !before.includes(id));
    if (opened.length === 0) return undefined;
    return { status: 202, body: { enrollment: `/cps/v2/enrollments/${enrollmentId}`, changes: opened.map((id) => `/cps/v2/enrollments/${enrollmentId}/changes/${id}`) } };
  };
}

/** `DELETE /enrollments/{id}`: landed when the enrollment is gone; while it exists a second DELETE asks for the same thing. */
export function enrollmentRemovalLanded(ctx: CpsContext, enrollmentId: number): LandedCheck {
  return async () => ((await pendingChangeIds(ctx, enrollmentId)) === "gone" ? { status: 200, body: { enrollment: `/cps/v2/enrollments/${enrollmentId}`, changes: [] } } : undefined);
}

/** `DELETE …/changes/{id}`: landed when the change is no longer pending on its enrollment. */
export function changeCancelLanded(ctx: CpsContext, enrollmentId: number, changeId: number): LandedCheck {
  return async () => {
    const pending = await pendingChangeIds(ctx, enrollmentId);
    if (pending !== "gone" && pending.includes(changeId)) return undefined;
    return { status: 200, body: { change: `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}` } };
  };
}

/**
 * An allowed-input POST (acknowledgements, the third-party upload): landed when the change no longer
 * offers that input (CPS moved on), or the change is gone.
 */
export function inputPostLanded(ctx: CpsContext, updatePath: string): LandedCheck {
  return async () => {
    const changePath = /^(.*\/changes\/\d+)\/input\/update\//.exec(updatePath.split("?")[0]!)?.[1];
    if (changePath === undefined) return undefined;
    const landed = { status: 200, body: { change: changePath } };
    try {
      const response = await ctx.transport.send({ method: "GET", path: changePath, accept: MediaType.change });
      const status = parseResponse(changeStatusSchema, response, "GET");
      const stillOffered = status.allowedInput.some((input) => input.update.split("?")[0]!.replace(/^https?:\/\/[^/]+/i, "") === updatePath.split("?")[0]);
      return stillOffered ? undefined : landed;
    } catch (error) {
      if (isNotFound(error)) return landed;
      throw error;
    }
  };
}

/** `PUT …/deployment-schedule`: landed when the schedule reads back as sent (sending it again is the same PUT). */
export function scheduleLanded(ctx: CpsContext, path: string, sent: { notBefore: string | null; notAfter: string | null }): LandedCheck {
  return async () => {
    const response = await ctx.transport.send({ method: "GET", path, accept: MediaType.deploymentSchedule });
    const now = parseResponse(deploymentScheduleSchema, response, "GET");
    const same = (a: string | null | undefined, b: string | null): boolean => (a ?? null) === b || (a != null && b !== null && Date.parse(a) === Date.parse(b));
    return same(now.notBefore, sent.notBefore) && same(now.notAfter, sent.notAfter) ? { status: 200, body: { change: path.replace(/\/deployment-schedule$/, "") } } : undefined;
  };
}
