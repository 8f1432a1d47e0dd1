/**
 * Turn CPS `dv-challenges.v2` into what a Pulumi program needs to publish: one DNS record (or HTTP
 * token) per domain, keyed by domain, so that records can be declared outside `apply()`.
 */
import { isValidatedByAkamai } from "./validated-by-akamai";

/** The parts of a dv-challenges.v2 body this module reads (the client's parsed type fits it). */
export interface DvChallengesView {
  dv: ReadonlyArray<{
    domain: string;
    status?: string | null;
    validationStatus?: string | null;
    error?: string | null;
    expires?: string | null;
    challenges: ReadonlyArray<{
      type: string;
      status?: string | null;
      token?: string | null;
      responseBody?: string | null;
      fullPath?: string | null;
      redirectFullPath?: string | null;
      error?: string | null;
    }>;
  }>;
}

/** The DNS-01 record that answers one name's challenge. */
export interface DnsChallenge {
  /** Record name without the trailing dot: `_acme-challenge.www.example.com`. */
  recordName: string;
  /** Always `TXT`. */
  recordType: "TXT";
  /** TXT value to publish. */
  value: string;
  /** Suggested TTL (seconds). */
  ttl: number;
  /** When CPS stops accepting this value (ISO 8601), when known. */
  expires?: string;
  /**
   * True when CPS has no challenge for this name (an adopted or already validated certificate whose
   * challenges are gone): `value` is then the placeholder NOTHING_TO_PUBLISH, harmless to publish,
   * and replaced by the real value when CPS next asks for validation (renewal, SAN change).
   */
  nothingToPublish?: boolean;
}

/** The TXT value of a name with nothing to publish: no ACME CA accepts it as a challenge response. */
export const NOTHING_TO_PUBLISH = "nothing-to-publish: no CPS validation pending";

/** `_acme-challenge.<name>`, a wildcard's on its base name (RFC 8555 §8.4, https://www.rfc-editor.org/rfc/rfc8555#section-8.4). */
export function acmeRecordName(domain: string): string {
  return `_acme-challenge.${domain.toLowerCase().replace(/^\*\./, "")}`;
}

/**
 * One DNS-01 entry per name of a DV certificate, so that `c[domain].recordName` in a program never
 * meets `undefined`: names without a known challenge get a placeholder marked nothingToPublish.
 */
export function withEntryPerName(names: readonly string[], challenges: ExtractedChallenges): ExtractedChallenges {
  const dnsChallenges = { ...challenges.dnsChallenges };
  for (const name of names.map((n) => n.toLowerCase())) {
    dnsChallenges[name] ??= { recordName: acmeRecordName(name), recordType: "TXT", value: NOTHING_TO_PUBLISH, ttl: DEFAULT_CHALLENGE_TTL, nothingToPublish: true };
  }
  return { ...challenges, dnsChallenges };
}

/** The HTTP-01 token that answers one name's challenge. */
export interface HttpChallenge {
  /** URL the CA fetches: `http://<domain>/.well-known/acme-challenge/<token>`. */
  url: string;
  /** Body to serve at `url`. */
  body: string;
  /** Alternative: redirect `url` to this Akamai-hosted URL. */
  redirectUrl?: string;
  /** The ACME token (the last path segment of `url`). */
  token: string;
  /** When CPS stops accepting this challenge (ISO 8601), when known. */
  expires?: string;
}

/** CPS's validation state of one domain (`dv-challenges`' `status` and `validationStatus`). */
export interface DomainValidationState {
  /** CPS's status of the domain, e.g. `Awaiting user`, `Valid`. */
  status: string;
  /** The CA's validation status, e.g. `RESPONSE_ERROR`, `VALIDATED`. */
  validationStatus: string;
  /** The CA's error, when validation failed or is not ready. */
  error?: string;
  /**
   * Present (true) when Akamai validated the name itself, with no token of yours: the name is CNAMEd
   * to this certificate's edge hostname (CPS's automated challenge completion). Absent otherwise.
   */
  validatedByAkamai?: true;
}

export interface ExtractedChallenges {
  dnsChallenges: Record<string, DnsChallenge>;
  httpChallenges: Record<string, HttpChallenge>;
  domainStatus: Record<string, DomainValidationState>;
}

export const DEFAULT_CHALLENGE_TTL = 60;

function stripDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** One domain's state as CPS reports it, in dv-challenges or in the DV history. */
function domainState(entry: DvChallengesView["dv"][number]): DomainValidationState {
  return {
    status: entry.status ?? "",
    validationStatus: entry.validationStatus ?? "",
    ...(entry.error ? { error: entry.error } : {}),
    ...(isValidatedByAkamai(entry) ? { validatedByAkamai: true as const } : {}),
  };
}

/** The parts of a dv-history.v1 body `domainStatesFromHistory` reads (the client's parsed type fits it). */
export interface DvHistoryView {
  results?: ReadonlyArray<{ domain: string; domainHistory: ReadonlyArray<Omit<DvChallengesView["dv"][number], "domain" | "challenges"> & { requestTimestamp?: string | null; challenges?: DvChallengesView["dv"][number]["challenges"] | null }> }> | null;
  data?: DvHistoryView["results"];
}

/**
 * The per-domain state from CPS's DV history (GET /enrollments/{id}/dv-history: the schema names its
 * list `results`, the official example `data`), for names whose change left domain validation before
 * we read its challenges: CPS's own DNS recheck, or a name Akamai validated itself, can move a change
 * on before a wait first looks. The newest entry of each name counts.
 */
export function domainStatesFromHistory(history: DvHistoryView, names: readonly string[]): Record<string, DomainValidationState> {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const out: Record<string, DomainValidationState> = {};
  for (const d of history.results ?? history.data ?? []) {
    const domain = d.domain.toLowerCase();
    if (!wanted.has(domain) || d.domainHistory.length === 0) continue;
    const newest = [...d.domainHistory].sort((a, b) => Date.parse(b.requestTimestamp ?? "") - Date.parse(a.requestTimestamp ?? "") || 0)[0]!;
    out[domain] = domainState({ ...newest, domain, challenges: newest.challenges ?? [] });
  }
  return out;
}

/** Key challenges by (lower-cased) domain. Domains without a given challenge type are left out of that map. */
export function extractChallenges(body: DvChallengesView): ExtractedChallenges {
  const out: ExtractedChallenges = { dnsChallenges: {}, httpChallenges: {}, domainStatus: {} };
  for (const entry of body.dv) {
    const domain = entry.domain.toLowerCase();
    out.domainStatus[domain] = domainState(entry);
    const expires = entry.expires ?? undefined;
    for (const c of entry.challenges) {
      if (c.type === "dns-01" && c.responseBody) {
        out.dnsChallenges[domain] = {
          recordName: stripDot(c.fullPath || `_acme-challenge.${domain}`),
          recordType: "TXT",
          value: c.responseBody,
          ttl: DEFAULT_CHALLENGE_TTL,
          ...(expires ? { expires } : {}),
        };
      } else if (c.type === "http-01" && c.token) {
        out.httpChallenges[domain] = {
          url: c.fullPath || `http://${domain}/.well-known/acme-challenge/${c.token}`,
          body: c.responseBody ?? "",
          token: c.token,
          ...(c.redirectFullPath ? { redirectUrl: c.redirectFullPath } : {}),
          ...(expires ? { expires } : {}),
        };
      }
    }
  }
  return out;
}

const VALIDATED = new Set(["VALIDATED", "VALID", "COMPLETED"]);

/** True when CPS reports the domain as validated. */
export function isDomainValidated(state: DomainValidationState | undefined): boolean {
  if (!state) return false;
  return VALIDATED.has(state.validationStatus.toUpperCase()) || VALIDATED.has(state.status.toUpperCase());
}

/**
 * Challenges for the certificate's names: the newly offered ones where CPS offered any, else the
 * last known ones. CPS may leave out domains whose authorization is still valid (e.g. on a SAN
 * change); keeping their last values means the user's `c[domain]` lookups and DNS records stay put.
 * Names no longer on the certificate are dropped.
 */
export function mergeChallenges(names: readonly string[], fresh: ExtractedChallenges | undefined, previous: Partial<ExtractedChallenges>): ExtractedChallenges {
  const out: ExtractedChallenges = { dnsChallenges: {}, httpChallenges: {}, domainStatus: {} };
  for (const name of names.map((n) => n.toLowerCase())) {
    const dns = fresh?.dnsChallenges[name] ?? previous.dnsChallenges?.[name];
    const http = fresh?.httpChallenges[name] ?? previous.httpChallenges?.[name];
    const status = fresh?.domainStatus[name] ?? previous.domainStatus?.[name];
    if (dns) out.dnsChallenges[name] = dns;
    if (http) out.httpChallenges[name] = http;
    if (status) out.domainStatus[name] = status;
  }
  return out;
}
