import { createHash, createHmac, randomUUID } from "crypto";
import * as https from "https";

/**
 * A small EdgeGrid signer for the emulator tests, written from the protocol description
 * (https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid) — deliberately not the provider's client, so the emulator is tested against an
 * independent reading of the protocol.
 */
export interface TestCredentials {
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

export function edgegridTimestamp(date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}+0000`;
}

export function signRequest(
  c: TestCredentials,
  method: string,
  target: string,
  body: string,
  options: { timestamp?: string; nonce?: string; secret?: string } = {},
): string {
  const timestamp = options.timestamp ?? edgegridTimestamp();
  const nonce = options.nonce ?? randomUUID();
  const unsigned = `EG1-HMAC-SHA256 client_token=${c.clientToken};access_token=${c.accessToken};timestamp=${timestamp};nonce=${nonce};`;
  const hash = method === "POST" && body.length > 0 ? createHash("sha256").update(Buffer.from(body, "utf8").subarray(0, 131072)).digest("base64") : "";
  const data = [method, "https", c.host, target, "", hash, unsigned].join("\t");
  const key = createHmac("sha256", options.secret ?? c.clientSecret).update(timestamp).digest("base64");
  return `${unsigned}signature=${createHmac("sha256", key).update(data).digest("base64")}`;
}

export interface TestResponse {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface RequestOptions {
  accept?: string;
  contentType?: string;
  body?: unknown;
  /** Raw body text (overrides body). */
  rawBody?: string;
  /** Replace the Authorization header (null: send none). */
  authorization?: string | null;
  sign?: { timestamp?: string; nonce?: string; secret?: string };
}

export class TestClient {
  private readonly agent: https.Agent;
  constructor(
    readonly credentials: TestCredentials,
    ca: string,
  ) {
    this.agent = new https.Agent({ keepAlive: true, ca, maxSockets: 32 });
  }

  close(): void {
    this.agent.destroy();
  }

  request(method: string, target: string, options: RequestOptions = {}): Promise<TestResponse> {
    const text = options.rawBody ?? (options.body === undefined ? "" : JSON.stringify(options.body));
    const headers: Record<string, string> = { Host: this.credentials.host };
    if (options.accept) headers.Accept = options.accept;
    if (options.contentType) headers["Content-Type"] = options.contentType;
    if (text) headers["Content-Length"] = String(Buffer.byteLength(text));
    const authorization = options.authorization === undefined ? signRequest(this.credentials, method, target, text, options.sign) : options.authorization;
    if (authorization !== null) headers.Authorization = authorization;
    const [hostname, port] = this.credentials.host.split(":");
    return this.send({ hostname, port: Number(port), method, path: target, headers, agent: this.agent }, text);
  }

  /**
   * A kept-alive socket the server closed while idle fails the next request with ECONNRESET before
   * the server saw it; that request is resent on another socket, as Node's documentation advises
   * (https://nodejs.org/api/http.html#requestreusedsocket). A reset on a fresh socket is an answer.
   */
  private send(options: https.RequestOptions, text: string, resends = 0): Promise<TestResponse> {
    return new Promise((resolve, reject) => {
      const req = https.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = raw ? JSON.parse(raw) : undefined;
          } catch {
            parsed = raw;
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), body: parsed, text: raw, headers: res.headers });
        });
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (req.reusedSocket && error.code === "ECONNRESET" && resends < 32) resolve(this.send(options, text, resends + 1));
        else reject(error);
      });
      req.end(text);
    });
  }
}

/** Polls until `check` returns a value, or fails after the deadline. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, deadlineMs = 20_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
