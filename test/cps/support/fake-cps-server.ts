import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { selfSignedCertificate } from "./tls-cert";
import { verifyEdgeGrid, type VerifierCredentials } from "./edgegrid-verifier";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Raw request target: path + query exactly as sent. */
  target: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown;
  /** Drop the connection without answering (network error). */
  destroy?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export const TEST_CREDENTIALS: VerifierCredentials = {
  clientToken: "akab-client-token-test",
  clientSecret: "test-secret-do-not-print=",
  accessToken: "akab-access-token-test",
};

/**
 * A small HTTPS server on 127.0.0.1 that checks every request's EdgeGrid signature independently,
 * records it, and answers through a per-test handler.
 */
export class FakeCpsServer {
  readonly requests: RecordedRequest[] = [];
  readonly signatureFailures: string[] = [];
  handler: Handler = () => ({ status: 500, body: { title: "no handler" } });

  private constructor(
    private readonly server: https.Server,
    readonly certPem: string,
  ) {}

  static async start(): Promise<FakeCpsServer> {
    const { certPem, keyPem } = await selfSignedCertificate();
    const server = https.createServer({ cert: certPem, key: keyPem });
    const instance = new FakeCpsServer(server, certPem);
    server.on("request", (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        void instance.handle(req, res, Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return instance;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(handler: Handler): void {
    this.requests.length = 0;
    this.signatureFailures.length = 0;
    this.handler = handler;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, body: Buffer): Promise<void> {
    const target = req.url ?? "/";
    const url = new URL(target, "https://placeholder");
    const text = body.toString("utf8");
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const recorded: RecordedRequest = { method: req.method ?? "", target, path: url.pathname, query: url.searchParams, headers: req.headers, body: text, json };
    this.requests.push(recorded);
    const verdict = verifyEdgeGrid(TEST_CREDENTIALS, {
      method: req.method ?? "",
      host: req.headers.host ?? "",
      target,
      authorization: typeof req.headers.authorization === "string" ? req.headers.authorization : undefined,
      body,
    });
    if (!verdict.ok) {
      this.signatureFailures.push(verdict.reason);
      res.writeHead(401, { "Content-Type": "application/problem+json" });
      res.end(JSON.stringify({ type: "https://problems.luna.akamaiapis.net/-/pep-authn/deny", title: "Not authorized", detail: verdict.reason, requestId: "deadbeef" }));
      return;
    }
    const reply = await this.handler(recorded);
    if (reply.destroy === true) {
      req.socket.destroy();
      return;
    }
    const payload = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { "Content-Type": "application/json", ...reply.headers });
    res.end(payload);
  }
}
