import { refuseUnverifiedTls } from "./tls-env";
import { redact, registerSecrets } from "./redact";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { CpsConfigError } from "./errors";
import { resolveCredentials, type EdgeGridCredentials } from "./credentials";
import { ACCOUNT_SHORT_LIMIT, ACTIVE_CERTIFICATES_LIMIT, accountLimits, RateLimiter, sharedRateLimiter, type RateLimit } from "./rate-limiter";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry";
import { type LogFn, Transport, type TransportClock } from "./transport";
import type { CpsContext } from "./context";
import { type CpsApi, isNotFound } from "./api";
import { EdgeDnsClient } from "./edge-dns";
import { EdgeHostnamesClient } from "./edge-hostnames";
import * as enrollments from "./enrollments";
import * as changes from "./changes";
import * as allowedInputs from "./allowed-inputs";
import * as schedule from "./deployment-schedule";
import * as deployments from "./deployments";
import * as history from "./history";
import * as active from "./active-certificates";
import type { EnrollmentStatusResult } from "./schemas/common";
import type { Enrollment } from "./schemas/enrollment";
import type { AllowedInput, ChangeStatus, DeploymentSchedule } from "./schemas/change";
import type { ChangeManagementInfo, DvChallenges } from "./schemas/allowed-input";
import type { Deployment, Deployments } from "./schemas/deployment";
import type { CertificateHistory, ChangeHistory, DvHistory } from "./schemas/history";
import type { ActiveCertificates } from "./schemas/active-certificates";

export interface CpsClientOptions {
  /** Explicit config: any subset; wins over env and .edgerc. */
  host?: string;
  clientToken?: string;
  clientSecret?: string;
  accessToken?: string;
  accountKey?: string;
  /** Default ~/.edgerc. */
  edgercPath?: string;
  /** Default "default". */
  section?: string;
  /** Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra trusted CA (the local emulator's), PEM text. */
  caCertPem?: string;
  /** Extra trusted CA, read from this file. */
  caCertPath?: string;
  /**
   * The account's minute budget (default 35, Akamai's published limit) and short window (default
   * 20 per 2 s); this process uses `budgetShare` (default 0.5) of the minute budget. Shared by every
   * client of the same account (API host + accountSwitchKey) in the process.
   */
  requestsPerMinute?: number;
  requestsPerTwoSeconds?: number;
  budgetShare?: number;
  /** Explicit windows instead of the three settings above (tests, tools with their own budget). */
  rateLimit?: { requests: number; perMs: number } | ReadonlyArray<{ requests: number; perMs: number }>;
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  log?: (level: "debug" | "info" | "warn", message: string) => void;
  /** Per attempt; default 60 000 ms. */
  requestTimeoutMs?: number;
  /** CPS's enrollment creation window per account (default 5 minutes, Akamai's documented value). */
  creationWindowMs?: number;
}

/** Test seams: time, randomness and the limiter. Not part of the supported configuration. */
export interface CpsClientInternals {
  clock?: Partial<TransportClock>;
  rateLimiter?: RateLimiter;
  activeCertificatesLimiter?: RateLimiter;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Typed client for the 18 CPS v2 operations (https://github.com/akamai/akamai-apis/blob/HEAD/apis/cps/v2/enrollments.yaml), plus a small Edge DNS recordset
 * client on the same credentials. Every request is EdgeGrid-signed, uses the exact versioned
 * media types, is rate limited per account and retried where that is safe.
 */
export class CpsClient implements CpsApi {
  readonly baseUrl: string;
  readonly edgeDns: EdgeDnsClient;
  /** Secure edge hostnames (PAPI create/read, HAPI delete) on the same credentials. */
  readonly edgeHostnames: EdgeHostnamesClient;
  private readonly ctx: CpsContext;
  private readonly dnsTransport: Transport;
  private readonly papiTransport: Transport;

  private constructor(ctx: CpsContext, dnsTransport: Transport, papiTransport: Transport) {
    this.ctx = ctx;
    this.baseUrl = ctx.transport.baseUrl;
    this.dnsTransport = dnsTransport;
    this.papiTransport = papiTransport;
    this.edgeDns = new EdgeDnsClient(dnsTransport);
    this.edgeHostnames = new EdgeHostnamesClient(papiTransport);
  }

  /** Resolves credentials synchronously; throws CpsConfigError naming what is missing. */
  static create(options: CpsClientOptions = {}, internals: CpsClientInternals = {}): CpsClient {
    refuseUnverifiedTls();
    const credentials = resolveCredentials(options);
    registerSecrets([credentials.clientToken, credentials.clientSecret, credentials.accessToken]);
    const caCertPem = loadCa(options);
    const clock: TransportClock = {
      now: internals.clock?.now ?? Date.now,
      sleep: internals.clock?.sleep ?? realSleep,
      random: internals.clock?.random ?? Math.random,
      nonce: internals.clock?.nonce ?? randomUUID,
    };
    let limit: RateLimit | readonly RateLimit[];
    try {
      limit =
        options.rateLimit ??
        accountLimits({
          ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
          ...(options.requestsPerTwoSeconds !== undefined ? { requestsPerTwoSeconds: options.requestsPerTwoSeconds } : {}),
          ...(options.budgetShare !== undefined ? { budgetShare: options.budgetShare } : {}),
        });
      new RateLimiter(limit, clock);
    } catch (error) {
      throw new CpsConfigError(`rate limit: ${(error as Error).message}`, { code: "ProviderSettingInvalid" });
    }
    const injectedClock = internals.clock?.now !== undefined || internals.clock?.sleep !== undefined;
    const limiterFor = (scope: string, budget: RateLimit | readonly RateLimit[]): RateLimiter =>
      injectedClock ? new RateLimiter(budget, clock) : sharedRateLimiter(credentials, budget, clock, scope);
    const retry: RetryPolicy = {
      maxAttempts: options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    };
    if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new CpsConfigError("retry.maxAttempts: expected a positive integer", { code: "ProviderSettingInvalid" });
    const sink: LogFn = options.log ?? (() => undefined);
    const log: LogFn = (level, message) => sink(level, redact(message));
    const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    const transportFor = (limiter: RateLimiter): Transport =>
      new Transport({ credentials, caCertPem, limiter, retry, log, requestTimeoutMs, clock });
    const ctx: CpsContext = {
      transport: transportFor(internals.rateLimiter ?? limiterFor("cps", limit)),
      log,
      negotiated: { enrollmentVersion: 12 },
      ...(options.creationWindowMs !== undefined ? { creationWindowMs: options.creationWindowMs } : {}),
      activeCertificatesLimiter: internals.activeCertificatesLimiter ?? limiterFor("cps-active-certificates", ACTIVE_CERTIFICATES_LIMIT),
    };
    log("debug", `CPS client for ${credentials.host} using credentials from ${credentials.source}`);
    // Edge DNS, PAPI and HAPI are other APIs with budgets of their own: CPS's minute budget does not
    // apply to them (https://techdocs.akamai.com/property-mgr/reference/rate-limiting).
    const dnsLimit = options.rateLimit ?? { requests: options.requestsPerTwoSeconds ?? ACCOUNT_SHORT_LIMIT.requests, perMs: ACCOUNT_SHORT_LIMIT.perMs };
    return new CpsClient(ctx, transportFor(limiterFor("edge-dns", dnsLimit)), transportFor(limiterFor("papi", dnsLimit)));
  }

  /** Release idle keep-alive connections. */
  close(): void {
    this.ctx.transport.close();
    this.dnsTransport.close();
    this.papiTransport.close();
  }

  /** The account budget this client applies, e.g. "17/min, 20/2s" (after any 429 slow-down). */
  get budget(): string {
    return this.ctx.transport.budget.limits;
  }

  /** Requests a minute this client's budget allows now: waits pace their polls by it. */
  get requestsPerMinute(): number {
    return this.ctx.transport.budgetPerMinute;
  }

  /** Enrollment media-type version this client negotiated (12, or 11 after a 406). */
  get enrollmentVersion(): 11 | 12 {
    return this.ctx.negotiated.enrollmentVersion;
  }

  // ---- enrollments ------------------------------------------------------------------------
  listEnrollments(contractId: string): Promise<Enrollment[]> {
    return enrollments.listEnrollments(this.ctx, contractId);
  }
  getEnrollment(enrollmentId: number): Promise<Enrollment> {
    return enrollments.getEnrollment(this.ctx, enrollmentId);
  }
  async findEnrollment(enrollmentId: number): Promise<Enrollment | undefined> {
    try {
      return await enrollments.getEnrollment(this.ctx, enrollmentId);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
  createEnrollment(req: enrollments.CreateEnrollmentRequest): Promise<EnrollmentStatusResult> {
    return enrollments.createEnrollment(this.ctx, req);
  }
  updateEnrollment(req: enrollments.UpdateEnrollmentRequest): Promise<enrollments.EnrollmentChangeResult> {
    return enrollments.updateEnrollment(this.ctx, req);
  }
  removeEnrollment(req: enrollments.RemoveEnrollmentRequest): Promise<enrollments.EnrollmentChangeResult> {
    return enrollments.removeEnrollment(this.ctx, req);
  }

  // ---- changes ----------------------------------------------------------------------------
  /** The change status as CPS reports it; with `throwOnError`, `state: "error"` → CpsChangeError. */
  async getChangeStatus(enrollmentId: number, changeId: number, opts: { throwOnError?: boolean } = {}): Promise<ChangeStatus> {
    const status = await changes.getChangeStatus(this.ctx, enrollmentId, changeId);
    return opts.throwOnError === true ? changes.assertChangeNotFailed(enrollmentId, changeId, status) : status;
  }
  cancelChange(enrollmentId: number, changeId: number): Promise<void> {
    return changes.cancelChange(this.ctx, enrollmentId, changeId);
  }
  getDeploymentSchedule(enrollmentId: number, changeId: number): Promise<DeploymentSchedule> {
    return schedule.getDeploymentSchedule(this.ctx, enrollmentId, changeId);
  }
  updateDeploymentSchedule(enrollmentId: number, changeId: number, value: DeploymentSchedule): Promise<void> {
    return schedule.updateDeploymentSchedule(this.ctx, enrollmentId, changeId, value);
  }

  // ---- allowed inputs ---------------------------------------------------------------------
  getDvChallenges(input: AllowedInput): Promise<DvChallenges> {
    return allowedInputs.getDvChallenges(this.ctx, input);
  }
  acknowledgeDvChallenges(input: AllowedInput): Promise<void> {
    return allowedInputs.acknowledgeDvChallenges(this.ctx, input);
  }
  getPreVerificationWarnings(input: AllowedInput): Promise<string> {
    return allowedInputs.getPreVerificationWarnings(this.ctx, input);
  }
  acknowledgePreVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
    return allowedInputs.acknowledgePreVerificationWarnings(this.ctx, input, ack);
  }
  getPostVerificationWarnings(input: AllowedInput): Promise<string> {
    return allowedInputs.getPostVerificationWarnings(this.ctx, input);
  }
  acknowledgePostVerificationWarnings(input: AllowedInput, ack: "acknowledge" | "deny"): Promise<void> {
    return allowedInputs.acknowledgePostVerificationWarnings(this.ctx, input, ack);
  }
  getChangeManagementInfo(input: AllowedInput): Promise<ChangeManagementInfo> {
    return allowedInputs.getChangeManagementInfo(this.ctx, input);
  }
  getChangeDeploymentInfo(input: AllowedInput): Promise<Deployment> {
    return allowedInputs.getChangeDeploymentInfo(this.ctx, input);
  }
  acknowledgeChangeManagement(input: AllowedInput, ack: "acknowledge" | "deny", hash?: string): Promise<void> {
    return allowedInputs.acknowledgeChangeManagement(this.ctx, input, ack, hash);
  }
  getThirdPartyCsrs(input: AllowedInput): Promise<Array<{ keyAlgorithm: "RSA" | "ECDSA" | (string & {}); csr: string }>> {
    return allowedInputs.getThirdPartyCsrs(this.ctx, input);
  }
  uploadThirdPartyCertificates(input: AllowedInput, certs: Array<{ keyAlgorithm: "RSA" | "ECDSA"; certificate: string; trustChain?: string }>): Promise<void> {
    return allowedInputs.uploadThirdPartyCertificates(this.ctx, input, certs);
  }

  // ---- deployments and history ------------------------------------------------------------
  listDeployments(enrollmentId: number): Promise<Deployments> {
    return deployments.listDeployments(this.ctx, enrollmentId);
  }
  getProductionDeployment(enrollmentId: number): Promise<Deployment | undefined> {
    return deployments.getProductionDeployment(this.ctx, enrollmentId);
  }
  getStagingDeployment(enrollmentId: number): Promise<Deployment | undefined> {
    return deployments.getStagingDeployment(this.ctx, enrollmentId);
  }
  getDvHistory(enrollmentId: number): Promise<DvHistory> {
    return history.getDvHistory(this.ctx, enrollmentId);
  }
  getCertificateHistory(enrollmentId: number, opts?: { includeAll?: boolean }): Promise<CertificateHistory> {
    return history.getCertificateHistory(this.ctx, enrollmentId, opts);
  }
  getChangeHistory(enrollmentId: number, opts?: { includeAll?: boolean }): Promise<ChangeHistory> {
    return history.getChangeHistory(this.ctx, enrollmentId, opts);
  }
  listActiveCertificates(contractId: string): Promise<ActiveCertificates> {
    return active.listActiveCertificates(this.ctx, contractId);
  }
}

function loadCa(options: CpsClientOptions): string | undefined {
  const parts: string[] = [];
  if (options.caCertPem !== undefined) parts.push(options.caCertPem);
  if (options.caCertPath !== undefined) {
    try {
      parts.push(fs.readFileSync(options.caCertPath, "utf8"));
    } catch (error) {
      throw new CpsConfigError(`caCertPath: cannot read ${options.caCertPath} (${(error as NodeJS.ErrnoException).code ?? "error"})`, { code: "UntrustedCa" });
    }
  }
  if (parts.length === 0) return undefined;
  const pem = parts.join("\n");
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new CpsConfigError("caCertPem/caCertPath: expected a PEM certificate", { code: "UntrustedCa" });
  return pem;
}

export type { EdgeGridCredentials };
