import * as https from "https";
import type { IncomingMessage, ServerResponse } from "http";
import { closeServer, listenOn } from "./listen";
import type { EdgeGridVerifier } from "../auth/edgegrid-verifier";
import { ProblemError } from "../cps/api";
import { bareType, negotiate } from "./media-types";
import { cpsProblem, gatewayProblem, notFound, type Problem } from "./problem";
import { compile, match, type ApiResponse, type Route } from "./router";

export interface RequestStats {
  requests: number;
  byOperation: Record<string, number>;
}

export interface ApiServerOptions {
  routes: Route[];
  verifier: Pick<EdgeGridVerifier, "verify">;
  tls: { certPem: string; keyPem: string };
  stats: RequestStats;
  /** Extra handling in front of the CPS routes (e.g. fault injection in part 2); return true when handled. */
  before?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /**
   * Asked after a request was handled (its effect applied): a lost answer ("error" → 500, "reset" →
   * connection dropped) is sent instead of the real one (fault injection).
   */
  loseAnswer?: (req: IncomingMessage) => "error" | "reset" | undefined;
  sendLostAnswer?: (req: IncomingMessage, res: ServerResponse, kind: "error" | "reset") => void;
  /** Other Akamai APIs on the same EdgeGrid-verified host (Edge DNS under `/config-dns/`), by path prefix. */
  mounts?: MountedApi[];
}

/** A whole API behind the EdgeGrid check that routes by itself (JSON in, JSON or nothing out). */
export interface MountedApi {
  prefix: string;
  operation: string;
  handle(method: string, target: string, body: unknown): { status: number; contentType?: string; body?: unknown } | Promise<{ status: number; contentType?: string; body?: unknown }>;
}

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, r: ApiResponse): void {
  const payload = JSON.stringify(r.body);
  res.writeHead(r.status, { "Content-Type": r.contentType, "Content-Length": Buffer.byteLength(payload), ...(r.headers ?? {}) });
  res.end(payload);
}

function sendProblem(res: ServerResponse, p: Problem): void {
  send(res, { status: p.status, contentType: "application/problem+json", body: p.body });
}

/** The HTTPS listener for the CPS API: EdgeGrid first (as Akamai's gateway), then routing and negotiation. */
export class ApiServer {
  private readonly server: https.Server;
  private readonly routes;

  constructor(private readonly o: ApiServerOptions) {
    this.routes = o.routes.map(compile);
    this.server = https.createServer({ cert: o.tls.certPem, key: o.tls.keyPem, keepAlive: true }, (req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) sendProblem(res, cpsProblem(req.headers.host ?? "localhost", 500, "internal-error", "Internal Server Error"));
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  listen(port: number, host = "127.0.0.1"): Promise<number> {
    return listenOn(this.server, port, host);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    this.o.stats.requests++;
    if (this.o.before && (await this.o.before(req, res))) return;
    const host = req.headers.host ?? "";
    const target = req.url ?? "/";
    const method = (req.method ?? "GET").toUpperCase();
    const verdict = this.o.verifier.verify({ method, scheme: "https", host, target, headers: req.headers, body });
    if (!verdict.ok) {
      const ctx = { host, target, method, serverIp: req.socket.localAddress ?? "127.0.0.1", clientIp: req.socket.remoteAddress ?? "127.0.0.1" };
      sendProblem(
        res,
        verdict.kind === "request-error"
          ? gatewayProblem(ctx, 400, "pep-authn/request-error", "Bad request", verdict.detail)
          : gatewayProblem(ctx, 401, "pep-authn/deny", "Not authorized", verdict.detail),
      );
      return;
    }
    const url = new URL(target, `https://${host || "localhost"}`);
    const mount = this.o.mounts?.find((m) => url.pathname.startsWith(m.prefix));
    if (mount) {
      this.o.stats.byOperation[mount.operation] = (this.o.stats.byOperation[mount.operation] ?? 0) + 1;
      let parsed: unknown = undefined;
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          sendProblem(res, cpsProblem(host, 400, "bad-request", "Bad Request", "The request body is not valid JSON."));
          return;
        }
      }
      const answer = await mount.handle(method, target, parsed);
      if (this.lost(req, res)) return;
      if (answer.body === undefined) {
        res.writeHead(answer.status, { "Content-Length": 0 });
        res.end();
      } else send(res, { status: answer.status, contentType: answer.contentType ?? "application/json", body: answer.body });
      return;
    }
    const found = match(this.routes, method, url.pathname);
    if (!found.route) {
      sendProblem(res, found.pathMatched ? cpsProblem(host, 405, "method-not-allowed", "Method Not Allowed") : notFound(host));
      return;
    }
    const route = found.route;
    this.o.stats.byOperation[route.operation] = (this.o.stats.byOperation[route.operation] ?? 0) + 1;
    const produces = route.produces(found.params);
    if (produces.length === 0) {
      sendProblem(res, notFound(host));
      return;
    }
    const accept = negotiate(req.headers.accept, produces);
    if (!accept) {
      sendProblem(res, cpsProblem(host, 406, "not-acceptable", "Not Acceptable", `Supported media types: ${produces.join(", ")}`));
      return;
    }
    let contentType: string | undefined;
    let parsed: unknown = undefined;
    if (route.consumes) {
      const consumes = route.consumes(found.params);
      contentType = bareType(req.headers["content-type"] ?? "");
      if (!consumes.includes(contentType)) {
        sendProblem(res, cpsProblem(host, 415, "unsupported-media-type", "Unsupported Media Type", `Supported request media types: ${consumes.join(", ")}`));
        return;
      }
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch {
        sendProblem(res, cpsProblem(host, 400, "bad-request", "Bad Request", "The request body is not valid JSON."));
        return;
      }
    }
    let answer: ApiResponse | Problem;
    try {
      answer = await route.handle({ req, params: found.params, query: url.searchParams, accept, contentType, body: parsed });
    } catch (err) {
      if (err instanceof ProblemError) answer = err.problem;
      else throw err;
    }
    if (this.lost(req, res)) return;
    if ("contentType" in answer) send(res, answer);
    else sendProblem(res, answer);
  }

  /** True when the (applied) request's answer is lost instead of sent. */
  private lost(req: IncomingMessage, res: ServerResponse): boolean {
    const kind = this.o.loseAnswer?.(req);
    if (kind === undefined) return false;
    this.o.sendLostAnswer?.(req, res, kind);
    return true;
  }
}
