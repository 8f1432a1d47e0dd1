/**
 * The `acme` CA backend: the emulator is an ACME client (acme-client) of a real ACME CA such as
 * Debian's pebble. The challenge values CPS shows are the CA's real ones; `validate` asks the CA to
 * check (it does its own DNS/HTTP lookups — point pebble's `-dnsserver` at the emulator's DNS) and
 * reports its verdict; `finalize` sends the CSR and returns the CA's chain.
 *
 * Telling an ACME CA to validate is one-shot: a failed challenge invalidates the authorization and
 * the whole order. So when a local DNS server (or validator) is configured, `validate` first checks
 * locally which challenge is satisfied and only then asks the CA; until something is published it
 * answers DATA_NOT_READY without burning the order — like CPS rechecking on its schedule.
 * After the CA rejects a challenge the order is dead: `validate` answers INVALIDATED and the state
 * machine must open a new order (new challenges).
 */
import * as https from "node:https";
import * as acme from "acme-client";
import type { CertificateAuthority, DomainChallenge, DomainCheckResult, DomainValidator, DvOrder, IssuedCertificate } from "../seams";
import { parseCertificates, splitPem } from "../pki/parse";
import { createDomainValidator, DATA_NOT_READY } from "../validation/domain-validator";

export interface AcmeCaOptions {
  /** ACME directory, e.g. https://127.0.0.1:14000/dir */
  directoryUrl: string;
  /** PEM of the CA that signed the ACME server's HTTPS certificate. */
  caCertPem: string;
  /** DNS server (`HOST:PORT`) for the local pre-check before asking the CA (see file comment). */
  dnsServer?: string;
  /** Port standing for :80 in the local http-01 pre-check (the CA's own httpPort). */
  httpPort?: number;
  /** A ready-made validator for the pre-check (overrides dnsServer/httpPort). */
  validator?: DomainValidator;
  /** External account binding, when the CA requires it. */
  eab?: { kid: string; hmacKey: string };
  /** Roots that issued certificates chain to: given directly… */
  rootsPem?: string;
  /** …or fetched at start from pebble's management API, e.g. https://127.0.0.1:15000 (reads /roots/0). */
  managementUrl?: string;
  /** OV/EV certificates cannot be validated through ACME: this CA issues them instead (e.g. the builtin one). */
  ovEvIssuer?: CertificateAuthority;
}

type AcmeChallenge = Awaited<ReturnType<acme.Client["getAuthorizations"]>>[number]["challenges"][number];

interface DomainState {
  challenge: DomainChallenge;
  authorization: acme.Authorization;
  dns01?: AcmeChallenge;
  http01?: AcmeChallenge;
  result?: DomainCheckResult;
}

/** acme-client keeps its settings on a shared axios instance; these are not in its typings. */
function configureTransport(caCertPem: string): void {
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: caCertPem, keepAlive: false });
  const defaults = acme.axios.defaults as unknown as { acmeSettings?: { retryMaxAttempts: number; retryDefaultDelay: number } };
  // Its default is 5 retries 5–25 s apart, which hides a dead CA for 75 s behind an unreadable TypeError.
  if (defaults.acmeSettings) {
    defaults.acmeSettings.retryMaxAttempts = 2;
    defaults.acmeSettings.retryDefaultDelay = 0.2;
  }
}

function httpsGetText(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, timeout: 10_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("timeout", () => request.destroy(new Error(`no response from ${url} within 10 s`)));
    request.on("error", reject);
  });
}

function errorDetail(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toIssued(chainPem: string): IssuedCertificate {
  const [leaf, ...rest] = parseCertificates(chainPem);
  const blocks = splitPem(chainPem);
  if (!leaf) throw new Error("the ACME CA returned no certificate");
  return { certificatePem: blocks[0] as string, trustChainPem: blocks.slice(1, 1 + rest.length).join(""), notBefore: leaf.notBefore, notAfter: leaf.notAfter, serialHex: leaf.serialNumber.toLowerCase() };
}

export async function createAcmeCa(options: AcmeCaOptions): Promise<CertificateAuthority> {
  configureTransport(options.caCertPem);
  // A readable error up front instead of acme-client's retries ending in a TypeError.
  const directory = await httpsGetText(options.directoryUrl, options.caCertPem).catch((error: unknown) => {
    throw new Error(`ACME directory ${options.directoryUrl} is not reachable: ${errorDetail(error)}`);
  });
  if (directory.status !== 200) throw new Error(`ACME directory ${options.directoryUrl} answered HTTP ${directory.status}`);

  let rootsPem = options.rootsPem ?? "";
  if (!rootsPem && options.managementUrl) {
    const roots = await httpsGetText(`${options.managementUrl.replace(/\/$/, "")}/roots/0`, options.caCertPem);
    if (roots.status !== 200) throw new Error(`could not fetch the ACME CA's root from ${options.managementUrl}/roots/0: HTTP ${roots.status}`);
    rootsPem = roots.body.trim() + "\n";
  }
  if (options.ovEvIssuer) rootsPem += options.ovEvIssuer.rootsPem();

  const client = new acme.Client({
    directoryUrl: options.directoryUrl,
    accountKey: await acme.crypto.createPrivateEcdsaKey(),
    externalAccountBinding: options.eab,
    backoffMin: 20,
    backoffMax: 500,
    backoffAttempts: 40,
  });
  await client.createAccount({ termsOfServiceAgreed: true });
  const precheck = options.validator ?? (options.dnsServer ? createDomainValidator({ dnsServer: options.dnsServer, httpPort: options.httpPort }) : undefined);

  async function createDvOrder(domains: string[]): Promise<DvOrder> {
    const names = [...new Set(domains.map((domain) => domain.toLowerCase().replace(/\.$/, "")))];
    const order = await client.createOrder({ identifiers: names.map((value) => ({ type: "dns", value })) });
    const states = new Map<string, DomainState>();
    for (const authorization of await client.getAuthorizations(order)) {
      const domain = authorization.wildcard ? `*.${authorization.identifier.value}` : authorization.identifier.value;
      const dns01 = authorization.challenges.find((challenge) => challenge.type === "dns-01");
      const http01 = authorization.challenges.find((challenge) => challenge.type === "http-01");
      const dnsTxtValue = dns01 ? await client.getChallengeKeyAuthorization(dns01) : "";
      const httpResponseBody = http01 ? await client.getChallengeKeyAuthorization(http01) : "";
      const challenge: DomainChallenge = {
        domain,
        token: (http01 ?? dns01)?.token ?? "",
        httpResponseBody,
        dnsTxtValue,
        expires: authorization.expires ? new Date(authorization.expires) : new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
      };
      // An authorization the CA already holds as valid (reuse) needs nothing more.
      const result: DomainCheckResult | undefined = authorization.status === "valid" ? { ok: true, challengeType: "dns-01" } : undefined;
      states.set(domain, { challenge, authorization, dns01, http01, result });
    }

    async function askCa(state: DomainState, type: "dns-01" | "http-01", challenge: AcmeChallenge): Promise<DomainCheckResult> {
      try {
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(challenge);
        return { ok: true, challengeType: type };
      } catch (error) {
        return { ok: false, validationStatus: "INVALIDATED", error: `${type}: the ACME CA rejected the challenge for ${state.challenge.domain}: ${errorDetail(error)}; a new order is needed` };
      }
    }

    async function validate(domain: string): Promise<DomainCheckResult> {
      const state = states.get(domain.toLowerCase().replace(/\.$/, ""));
      if (!state) return { ok: false, validationStatus: "INVALIDATED", error: `${domain} is not part of this order (${[...states.keys()].join(", ")})` };
      if (state.result) return state.result;
      if (state.challenge.expires.getTime() < Date.now()) return { ok: false, validationStatus: "TOKEN_EXPIRED", error: `The ACME authorization for ${state.challenge.domain} expired at ${state.challenge.expires.toISOString()}` };

      let chosen: { type: "dns-01" | "http-01"; challenge: AcmeChallenge } | undefined;
      if (!precheck) {
        chosen = state.dns01 ? { type: "dns-01", challenge: state.dns01 } : state.http01 ? { type: "http-01", challenge: state.http01 } : undefined;
      } else {
        const failures: string[] = [];
        if (state.dns01) {
          const dns = await precheck.checkDns01(state.challenge.domain, state.challenge.dnsTxtValue);
          if (dns.ok) chosen = { type: "dns-01", challenge: state.dns01 };
          else failures.push(dns.error);
        }
        if (!chosen && state.http01) {
          const http = await precheck.checkHttp01(state.challenge.domain, state.http01.token, state.challenge.httpResponseBody);
          if (http.ok) chosen = { type: "http-01", challenge: state.http01 };
          else failures.push(http.error);
        }
        // Nothing published yet: do not spend the one-shot ACME validation.
        if (!chosen) return { ok: false, validationStatus: DATA_NOT_READY, error: failures.join("; ") };
      }
      if (!chosen) return { ok: false, validationStatus: "INVALIDATED", error: `the ACME CA offered no dns-01 or http-01 challenge for ${state.challenge.domain}` };
      state.result = await askCa(state, chosen.type, chosen.challenge);
      return state.result;
    }

    async function finalize(csrPem: string): Promise<IssuedCertificate> {
      const pending = [...states.values()].filter((state) => !state.result?.ok).map((state) => state.challenge.domain);
      if (pending.length > 0) throw new Error(`cannot finalize: not validated yet: ${pending.join(", ")}`);
      const finalized = await client.finalizeOrder(order, csrPem);
      return toIssued(await client.getCertificate(finalized));
    }

    return { challenges: [...states.values()].map((state) => state.challenge), validate, finalize };
  }

  return {
    kind: "acme",
    createDvOrder,
    async issue(csrPem, issueOptions) {
      if (!options.ovEvIssuer) throw new Error("the acme CA backend cannot issue OV/EV certificates (no out-of-band validation through ACME); configure ovEvIssuer");
      return options.ovEvIssuer.issue(csrPem, issueOptions);
    },
    rootsPem: () => rootsPem,
    // The OV/EV issuer belongs to the caller, who closes it.
    close: async () => undefined,
  };
}
