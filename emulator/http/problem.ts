import { randomBytes } from "crypto";

/** A problem+json answer: status, body, and the extra headers (none today). */
export interface Problem {
  status: number;
  body: Record<string, string | number>;
}

/**
 * CPS application errors: `type` https://<host>/cps/v2/error-types/<name>, `instance` the same URL
 * plus `?id=<32 hex>`. `detail` is omitted when CPS omits it (404 not-found).
 */
export function cpsProblem(host: string, status: number, name: string, title: string, detail?: string): Problem {
  const type = `https://${host}/cps/v2/error-types/${name}`;
  const body: Record<string, string | number> = { type, title };
  if (detail !== undefined) body.detail = detail;
  body.instance = `${type}?id=${randomBytes(16).toString("hex")}`;
  return { status, body };
}

export interface GatewayContext {
  host: string;
  target: string;
  method: string;
  serverIp: string;
  clientIp: string;
}

/** Errors produced by Akamai's API gateway (authentication), with its extra members. */
export function gatewayProblem(ctx: GatewayContext, status: number, path: string, title: string, detail: string): Problem {
  return {
    status,
    body: {
      type: `https://problems.luna.akamaiapis.net/-/${path}`,
      title,
      status,
      detail,
      instance: `https://${ctx.host}${ctx.target}`,
      method: ctx.method,
      serverIp: ctx.serverIp,
      clientIp: ctx.clientIp,
      requestId: randomBytes(4).toString("hex"),
      requestTime: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    },
  };
}

export const notFound = (host: string): Problem => cpsProblem(host, 404, "not-found", "Not Found");
