import { z } from "zod";

/** Edge DNS (config-dns v2) recordset: `{name, type, ttl, rdata[]}`. */
export const recordSetSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().min(1),
  ttl: z.number().int().nonnegative(),
  rdata: z.array(z.string()),
});
export type RecordSet = { name: string; type: string; ttl: number; rdata: string[] };

export const recordSetRequestSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().regex(/^[A-Za-z0-9]+$/),
  ttl: z.number().int().min(0).max(2147483647),
  rdata: z.array(z.string()).min(1),
});
