/** The emulator's admin API (plain HTTP JSON) and the few shapes the benchmarks read from it. */
import { z } from "zod";

export type Admin = <S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown) => Promise<z.output<S>>;

export function adminClient(base: string): Admin {
  return async (method, path, schema, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
    return schema.parse(text ? JSON.parse(text) : null);
  };
}

const timelineEntry = z.object({ status: z.string(), at: z.number(), realAt: z.number() });
export type TimelineEntry = z.output<typeof timelineEntry>;

export const changeTimelineSchema = z.object({
  status: z.string(),
  timeline: z.object({ transitions: z.array(timelineEntry), reads: z.array(timelineEntry) }),
});
export type ChangeTimeline = z.output<typeof changeTimelineSchema>["timeline"];

export const anything = z.unknown();
