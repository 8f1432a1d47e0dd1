/**
 * The `builtin` CA backend: an in-process root + intermediate that signs once the emulator's own
 * network checks (dns-01 through the configured DNS server, then http-01) pass. Challenge values
 * are real ACME values for a per-CA account key; tokens expire 7 days of emulator time after the
 * order opened.
 */
import type { CertificateAuthority, DomainChallenge, DomainCheckResult, DomainValidator, DvOrder, EmulatorClock, IssuedCertificate } from "../seams";
import { createCertificateHierarchy, SubjectOrganization } from "../pki/builtin-pki";
import { coveredNames, parseCsr } from "../pki/parse";
import { DATA_NOT_READY, RESPONSE_ERROR } from "../validation/domain-validator";
import { dns01TxtValue, newAccountThumbprint, newToken } from "./acme-values";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BuiltinCaOptions {
  validator: DomainValidator;
  clock: EmulatorClock;
  /** Lifetime of DV leaves (default 90 days, like Let's Encrypt). */
  dvValidityDays?: number;
  /** Lifetime of OV/EV leaves (default 365 days). */
  ovValidityDays?: number;
  /** How long challenge tokens stay usable (default 7 days of emulator time). */
  tokenLifetimeMs?: number;
  /** Name prefix of the root and intermediate (default "CPS Emulator"). */
  label?: string;
}

export interface BuiltinCertificateAuthority extends CertificateAuthority {
  readonly kind: "builtin";
  /** The issuing intermediate (the trust chain of every leaf). */
  readonly intermediatePem: string;
  /** JWK thumbprint of the CA's ACME-style account key (the part after the dot in http-01 bodies). */
  readonly accountThumbprint: string;
}

export async function createBuiltinCa(options: BuiltinCaOptions): Promise<BuiltinCertificateAuthority> {
  const { validator, clock } = options;
  const dvValidityMs = (options.dvValidityDays ?? 90) * DAY_MS;
  const ovValidityMs = (options.ovValidityDays ?? 365) * DAY_MS;
  const tokenLifetimeMs = options.tokenLifetimeMs ?? 7 * DAY_MS;
  // CA certificates start well before "now" so a clock started in the past still verifies.
  const hierarchy = await createCertificateHierarchy({ label: options.label, notBefore: new Date(Math.min(Date.now(), clock.now().getTime()) - 365 * DAY_MS) });
  const accountThumbprint = newAccountThumbprint();

  async function issueFor(csrPem: string, validityMs: number, organization?: SubjectOrganization): Promise<IssuedCertificate> {
    // Backdated an hour, as public CAs do, so a client with a slightly slow clock accepts it.
    const notBefore = new Date(clock.now().getTime() - 60 * 60 * 1000);
    return hierarchy.issueLeaf(csrPem, { notBefore, notAfter: new Date(notBefore.getTime() + validityMs), ...(organization ? { organization } : {}) });
  }

  function createChallenge(domain: string): DomainChallenge {
    const token = newToken();
    const keyAuthorization = `${token}.${accountThumbprint}`;
    return { domain, token, httpResponseBody: keyAuthorization, dnsTxtValue: dns01TxtValue(keyAuthorization), expires: new Date(clock.now().getTime() + tokenLifetimeMs) };
  }

  async function createDvOrder(domains: string[]): Promise<DvOrder> {
    const challenges = [...new Set(domains.map((domain) => domain.toLowerCase().replace(/\.$/, "")))].map(createChallenge);
    const validated = new Map<string, DomainCheckResult>();

    async function validate(domain: string): Promise<DomainCheckResult> {
      const name = domain.toLowerCase().replace(/\.$/, "");
      const challenge = challenges.find((each) => each.domain === name);
      if (!challenge) return { ok: false, validationStatus: "INVALIDATED", error: `${name} is not part of this order (${challenges.map((each) => each.domain).join(", ")})` };
      const earlier = validated.get(name);
      if (earlier) return earlier;
      if (clock.now().getTime() > challenge.expires.getTime()) {
        return { ok: false, validationStatus: "TOKEN_EXPIRED", error: `The challenge token for ${name} expired at ${challenge.expires.toISOString()}; new challenges are needed` };
      }
      const dns = await validator.checkDns01(name, challenge.dnsTxtValue);
      if (dns.ok) return remember(name, dns);
      // Wildcards can only be proven with dns-01.
      const http = name.startsWith("*.") ? undefined : await validator.checkHttp01(name, challenge.token, challenge.httpResponseBody);
      if (http?.ok) return remember(name, http);
      const failures = [dns, http].filter((result): result is Extract<DomainCheckResult, { ok: false }> => result !== undefined && !result.ok);
      const validationStatus = failures.some((failure) => failure.validationStatus === RESPONSE_ERROR) ? RESPONSE_ERROR : DATA_NOT_READY;
      return { ok: false, validationStatus, error: failures.map((failure) => failure.error).join("; ") };
    }

    function remember(name: string, result: DomainCheckResult): DomainCheckResult {
      validated.set(name, result);
      return result;
    }

    async function finalize(csrPem: string): Promise<IssuedCertificate> {
      const names = coveredNames(parseCsr(csrPem));
      const unvalidated = names.filter((name) => !validated.has(name));
      if (unvalidated.length > 0) throw new Error(`cannot finalize: not validated yet: ${unvalidated.join(", ")}`);
      return issueFor(csrPem, dvValidityMs);
    }

    return { challenges, validate, finalize };
  }

  return {
    kind: "builtin",
    intermediatePem: hierarchy.intermediatePem,
    accountThumbprint,
    createDvOrder,
    // A DV verdict forced through the admin API gets a DV certificate: no organization in it.
    issue: (csrPem, issueOptions) =>
      issueOptions?.validity === "dv" ? issueFor(csrPem, dvValidityMs) : issueFor(csrPem, ovValidityMs, issueOptions?.organization),
    rootsPem: () => hierarchy.rootPem,
    close: async () => undefined,
  };
}
