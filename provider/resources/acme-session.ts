/**
 * acme-client set up for a dynamic provider: a CA certificate per directory (e.g. pebble's HTTPS),
 * short polling backoff, a readable error when the directory cannot be reached (acme-client would
 * otherwise retry for over a minute and then report an unrelated TypeError), and account handling
 * with optional External Account Binding.
 */
import * as acme from "acme-client";
import * as https from "https";
import { CodedError } from "./coded-error";

/** Extra trust per origin: acme-client has one shared axios instance, so route by request URL. */
const agents = new Map<string, https.Agent>();
let interceptorInstalled = false;

function trustForDirectory(directoryUrl: string, caCertPem: string | undefined): void {
  const origin = new URL(directoryUrl).origin;
  if (!caCertPem) {
    agents.delete(origin);
    return;
  }
  agents.set(origin, new https.Agent({ ca: caCertPem, keepAlive: false }));
  if (interceptorInstalled) return;
  interceptorInstalled = true;
  acme.axios.interceptors.request.use((config) => {
    const url = config.url ? new URL(config.url, config.baseURL) : undefined;
    const agent = url ? agents.get(url.origin) : undefined;
    if (agent) config.httpsAgent = agent;
    return config;
  });
}

/** GET the directory ourselves first: TLS and connection problems become one clear sentence. */
async function preflight(directoryUrl: string, caCertPem: string | undefined): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = https.get(directoryUrl, { ...(caCertPem ? { ca: caCertPem } : {}), timeout: 15_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new CodedError("AcmeCaUnreachable", `ACME directory ${directoryUrl} answered HTTP ${res.statusCode ?? "?"}`));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e) =>
      reject(new CodedError("AcmeCaUnreachable", `cannot reach the ACME directory ${directoryUrl}: ${e.message}${/certificate|self.signed|issuer/i.test(e.message) ? " (set caCertPem to the CA that signs its HTTPS certificate)" : ""}`)),
    );
  });
}

export interface AcmeAccountOptions {
  directoryUrl: string;
  accountKeyPem: string;
  accountUrl?: string;
  eab?: { kid: string; hmacKey: string };
  caCertPem?: string;
}

/** A client ready to talk to the CA. */
export async function acmeSession(o: AcmeAccountOptions): Promise<acme.Client> {
  trustForDirectory(o.directoryUrl, o.caCertPem);
  await preflight(o.directoryUrl, o.caCertPem);
  return new acme.Client({
    directoryUrl: o.directoryUrl,
    accountKey: o.accountKeyPem,
    ...(o.accountUrl ? { accountUrl: o.accountUrl } : {}),
    ...(o.eab ? { externalAccountBinding: { kid: o.eab.kid, hmacKey: o.eab.hmacKey } } : {}),
    // acme-client's default minimum backoff is 5 s per poll; CAs usually answer within a second.
    backoffMin: 250,
    backoffMax: 5000,
    backoffAttempts: 30,
  });
}

/** Register (or find) the account; returns its URL. */
export async function ensureAccount(client: acme.Client, email: string | undefined): Promise<string> {
  await client.createAccount({ termsOfServiceAgreed: true, ...(email ? { contact: [`mailto:${email}`] } : {}) });
  return client.getAccountUrl();
}

export async function generateAccountKeyPem(): Promise<string> {
  return (await acme.crypto.createPrivateEcdsaKey("P-256")).toString();
}

/** The order at `url` (acme-client fetches it again from `url`). */
export function orderRef(url: string): acme.Order {
  return { url, status: "pending", identifiers: [], authorizations: [], finalize: "" };
}

/** An ACME problem from acme-client as one line: "urn:...:unauthorized: No TXT records found ...". */
export function acmeErrorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (e && typeof e === "object") {
    const p = e as { type?: unknown; detail?: unknown };
    if (typeof p.detail === "string") return `${typeof p.type === "string" ? `${p.type}: ` : ""}${p.detail}`;
  }
  return String(e);
}

export type { acme };
