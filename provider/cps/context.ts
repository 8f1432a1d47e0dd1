import type { z } from "zod";
import { CpsResponseError } from "./errors";
import type { ApiResponse, HttpMethod, LogFn, Transport } from "./transport";
import { isJsonMediaType } from "./media-types";
import type { RateLimiter } from "./rate-limiter";

/** What every API-family module needs: the transport plus per-client negotiated state. */
export interface CpsContext {
  transport: Transport;
  log: LogFn;
  /** Enrollment media-type version in use: starts at 12, drops to 11 once after a 406. */
  negotiated: { enrollmentVersion: 11 | 12 };
  /** CPS's creation window (one new certificate per account per 5 minutes); see creation-queue.ts. */
  creationWindowMs?: number;
  /** The separate 10-per-minute budget of GET /active-certificates. */
  activeCertificatesLimiter?: RateLimiter;
}

/** Validate a 2xx body against its schema; errors name the member paths, never echo the body. */
export function parseResponse<S extends z.ZodType>(schema: S, response: ApiResponse, method: HttpMethod): z.output<S> {
  const contentType = response.headers["content-type"];
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    throw new CpsResponseError({ method, path: response.target, status: response.status, reason: `content type ${contentType} is not JSON` });
  }
  let json: unknown;
  try {
    json = JSON.parse(response.text);
  } catch {
    throw new CpsResponseError({ method, path: response.target, status: response.status, reason: "body is not valid JSON" });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const reason = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    throw new CpsResponseError({ method, path: response.target, status: response.status, reason });
  }
  return result.data;
}
