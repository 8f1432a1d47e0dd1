import { createHash } from "crypto";
import type { CertificateAuthority, DomainCheckResult, DvOrder, EdgeNetwork, EmulatorClock, KeyFactory } from "../seams";
import type {
  CertificateRecord,
  ChangeAction,
  ChangeRecord,
  ChangeState,
  DeploymentRecord,
  DvDomainRecord,
  EnrollmentRecord,
  EnrollmentSpec,
  KeyAlgorithmName,
} from "./model";
import { certificateNames, servedNames } from "./normalize";
import type { Store } from "./store";
import { compareCertificateWithCsr } from "../pki/compare";
import { hashFromSignatureAlgorithm } from "../pki/crypto";
import { checkThirdPartyCertificate, type UploadedCertificate } from "./third-party-check";
import type { AdminValidationBook } from "./stand-ins";
import { warning, type CertificateWarning } from "../pki/warning-catalogue";

/** Emulator-time durations of the timed steps (ms). */
export interface StepDurations {
  "generate-csr": number;
  "check-for-cert": number;
  "verify-third-party-cert": number;
  "deploy-cert-to-staging": number;
  "deploy-cert-to-production": number;
  /** How often CPS re-checks DV challenges on its own. */
  "dv-recheck-interval": number;
  /** Time between a DELETE of a deployed enrollment and its disappearance. */
  "delete-enrollment": number;
}

export const DEFAULT_STEP_DURATIONS: StepDurations = {
  "generate-csr": 200,
  "check-for-cert": 300,
  "verify-third-party-cert": 300,
  "deploy-cert-to-staging": 500,
  "deploy-cert-to-production": 500,
  "dv-recheck-interval": 1000,
  "delete-enrollment": 500,
};

export interface EngineOptions {
  store: Store;
  clock: EmulatorClock;
  keyFactory: KeyFactory;
  ca: CertificateAuthority;
  staging: EdgeNetwork;
  production: EdgeNetwork;
  book: AdminValidationBook;
  durations: StepDurations;
  /** `coodinate-domain-validation` (what the live API says) or the documented spelling. */
  dvStatus: string;
  /** Days before expiry at which an automatic renewal starts. */
  renewalLeadDays?: { dv: number; other: number };
  /**
   * Roots a third-party trust chain must end in (PEM bundle). Without it the chain's termination is
   * not judged (the other checks of an upload still run).
   */
  thirdPartyTrustedRootsPem?: string;
  /**
   * CPS's automated challenge completion (Akamai's secure provisioning seed documents): the edge
   * hostname of enrollment `enrollmentId` that `domain` is CNAMEd to, when there is one; such a domain
   * is validated by Akamai without a token from the user. Absent: every domain needs its token.
   */
  automatedValidation?: (domain: string, enrollmentId: number) => string | undefined;
  log?: (message: string) => void;
}

/**
 * A domain validated by CPS's automated challenge completion: VALIDATED while none of its challenges
 * is `valid` (no token of the user's was checked). Every other validation marks the challenge used.
 */
export function validatedWithoutChallenge(domain: DvDomainRecord): boolean {
  return domain.validationStatus === "VALIDATED" && !domain.challenges.some((c) => c.status === "valid");
}

const DESCRIPTIONS: Record<string, string> = {
  "generate-csr": "Generating the Certificate Signing Request.",
  "wait-review-pre-verification-safety-checks": "Waiting for you to review the pre-verification safety check warnings.",
  "coodinate-domain-validation": "Waiting for the domains to be validated.",
  "coordinate-domain-validation": "Waiting for the domains to be validated.",
  "check-for-cert": "Checking with the Certificate Authority for the signed certificate.",
  "wait-upload-third-party": "Waiting for you to upload and submit your third party certificate and trust chain.",
  "verify-third-party-cert": "Verifying the third party certificate.",
  "wait-review-third-party-cert": "Waiting for you to review the third party certificate warnings.",
  "wait-review-cert-warning": "Waiting for you to review the certificate warnings.",
  "deploy-cert-to-staging": "Deploying the certificate to the staging network.",
  "deploy-changes-to-staging": "Deploying network changes to the staging network.",
  "wait-ack-change-management": "Waiting for you to acknowledge the change on the staging network before deploying to production.",
  "deploy-cert-to-production": "Deploying the certificate to the production network.",
  complete: "All requested changes are complete.",
  cancelled: "The change was cancelled.",
};

const DAY = 86_400_000;

/** One moment on both clocks: `at` emulator ms, `realAt` real ms (both epoch). */
export interface TimelineEntry {
  status: string;
  at: number;
  realAt: number;
}

export interface ChangeTimeline {
  /** Every status the change entered, in order. */
  transitions: TimelineEntry[];
  /** Every API read of the change's status, with the status it answered. */
  reads: TimelineEntry[];
}

export class CpsEngine {
  private readonly orders = new Map<number, DvOrder>();
  private readonly busy = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  /** Changes an operator froze through the admin API (fault injection): they do not advance until released. */
  private readonly stuck = new Set<number>();
  /** Changes whose DV order the CA invalidated or whose tokens expired: the next check opens a fresh order. */
  private readonly staleOrders = new Set<number>();
  private timer?: NodeJS.Timeout;
  private lastRenewalScan = 0;
  /** Per change: every status it entered and every GET of its status, on both clocks (benchmarks measure notice delays). Not persisted. */
  private readonly timelines = new Map<number, ChangeTimeline>();

  constructor(private readonly o: EngineOptions) {}

  get durations(): StepDurations {
    return this.o.durations;
  }

  start(intervalMs = 20): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits until no step is being processed (used by stop and reset). */
  async idle(deadlineMs = 10_000): Promise<void> {
    const end = Date.now() + deadlineMs;
    while (this.busy.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  }

  /** Freeze a change where it is (fault injection). */
  stick(changeId: number): void {
    this.stuck.add(changeId);
  }

  /** Let a frozen change move again; due steps run at once. */
  release(changeId: number): void {
    this.stuck.delete(changeId);
    void this.tick();
  }

  isStuck(changeId: number): boolean {
    return this.stuck.has(changeId);
  }

  /** Emulator time jumped: look at renewals and deletes at once rather than on the next scan. */
  clockAdvanced(): void {
    this.lastRenewalScan = 0;
    void this.tick();
  }

  /**
   * After a restart the TLS listeners are empty: put back what the state says is deployed, with the
   * private keys of the changes that issued the certificates.
   */
  restoreDeployments(): void {
    for (const enrollment of this.o.store.allEnrollments()) {
      for (const network of ["staging", "production"] as const) {
        const record = enrollment[network];
        if (!record) continue;
        const edge = network === "staging" ? this.o.staging : this.o.production;
        try {
          edge.deploy(
            enrollment.id,
            record.dnsNames,
            record.certificates.map((c) => ({
              keyAlgorithm: c.keyAlgorithm,
              certificatePem: c.certificatePem,
              trustChainPem: c.trustChainPem,
              privateKeyPem: this.keyOfCertificate(c.serialHex, c.keyAlgorithm, enrollment),
            })),
          );
        } catch (err) {
          this.o.log?.(`enrollment ${enrollment.id}: could not restore the ${network} deployment: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
  }

  private keyOfCertificate(serialHex: string, algorithm: KeyAlgorithmName, enrollment: EnrollmentRecord): string {
    for (const id of [...enrollment.changeIds].reverse()) {
      const change = this.o.store.change(id);
      if (!change?.certificates.some((c) => c.serialHex === serialHex)) continue;
      const key = change.keys.find((k) => k.keyAlgorithm === algorithm)?.privateKeyPem;
      if (key) return key;
    }
    return "";
  }

  private now(): Date {
    return this.o.clock.now();
  }

  private iso(ms?: number): string {
    return new Date(ms ?? this.now().getTime()).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  // ---------------------------------------------------------------- opening and closing changes

  openChange(
    enrollment: EnrollmentRecord,
    action: ChangeAction,
    pendingChangeType: ChangeRecord["pendingChangeType"],
    needsCertificate: boolean,
    schedule: { notBefore: string | null; notAfter: string | null },
    previousSpec: EnrollmentSpec | null,
  ): ChangeRecord {
    const store = this.o.store;
    const id = store.state.nextChangeId++;
    const now = this.iso();
    const target: EnrollmentSpec = JSON.parse(JSON.stringify(enrollment.spec));
    const change: ChangeRecord = {
      id,
      enrollmentId: enrollment.id,
      action,
      pendingChangeType,
      target,
      needsCertificate,
      createdOn: now,
      lastUpdated: now,
      status: "",
      state: "running",
      description: "",
      error: null,
      deploymentSchedule: schedule,
      stepDueAt: null,
      nextDvCheckAt: null,
      keys: [],
      dv: [],
      certificates: [],
      preVerificationWarnings: this.preVerificationWarnings(enrollment, previousSpec),
      postVerificationWarnings: [],
      changeManagementDeadline: null,
      validationResultHash: null,
      orderId: null,
      outcome: "incomplete",
    };
    if (!needsCertificate) {
      // a deployment-only change reuses the certificates live on production
      const live = enrollment.production ?? enrollment.staging;
      change.certificates = live ? live.certificates.map((c) => ({ ...c })) : [];
      this.setStatus(change, "deploy-changes-to-staging", "running", this.o.durations["deploy-cert-to-staging"]);
    } else {
      this.setStatus(change, "generate-csr", "running", this.o.durations["generate-csr"]);
    }
    enrollment.changeIds.push(id);
    enrollment.pendingChangeId = id;
    enrollment.autoRenewalStartTime = null;
    store.putChange(change);
    return change;
  }

  /** Cancels a change (DELETE …/changes/{id}, a `deny`, or a PUT/DELETE with allow-cancel-pending-changes). */
  cancelChange(change: ChangeRecord): void {
    if (change.outcome !== "incomplete") return;
    change.outcome = "cancelled";
    this.setStatus(change, "cancelled", "cancelled");
    this.orders.delete(change.id);
    this.staleOrders.delete(change.id);
    const enrollment = this.o.store.enrollment(change.enrollmentId);
    if (enrollment && enrollment.pendingChangeId === change.id) {
      enrollment.pendingChangeId = null;
      this.scheduleRenewal(enrollment);
    }
    this.o.store.putChange(change);
  }

  /** The change's transitions and status reads so far (admin `GET /changes/{id}`). */
  timeline(changeId: number): ChangeTimeline {
    let t = this.timelines.get(changeId);
    if (!t) {
      t = { transitions: [], reads: [] };
      this.timelines.set(changeId, t);
    }
    return t;
  }

  /** A client read the change's status (`GET …/changes/{id}`). */
  noteStatusRead(change: ChangeRecord): void {
    this.timeline(change.id).reads.push({ status: change.status, at: this.now().getTime(), realAt: Date.now() });
  }

  private setStatus(change: ChangeRecord, status: string, state: ChangeState, durationMs?: number): void {
    if (change.status !== status) this.timeline(change.id).transitions.push({ status, at: this.now().getTime(), realAt: Date.now() });
    change.status = status;
    change.state = state;
    change.description = DESCRIPTIONS[status] ?? status;
    change.stepDueAt = durationMs === undefined ? null : this.iso(this.now().getTime() + durationMs);
    change.lastUpdated = this.iso();
  }

  private fail(change: ChangeRecord, code: string, description: string): void {
    change.error = { code, description, timestamp: this.iso() };
    change.state = "error";
    change.stepDueAt = null;
    change.lastUpdated = this.iso();
  }

  // ---------------------------------------------------------------- warnings

  /**
   * Names this change adds that another enrollment already holds: on the same network type one
   * SNI_DNS_OVERLAP per name, across Enhanced/Standard TLS one OVERLAPPING_TRAFFIC_CLASS listing them
   * (Akamai's templates, data/cps-warnings.json).
   */
  private preVerificationWarnings(enrollment: EnrollmentRecord, previousSpec: EnrollmentSpec | null): CertificateWarning[] {
    const sameNetwork = new Set<string>();
    const otherNetwork = new Set<string>();
    const previousNames = new Set((previousSpec ? certificateNames(previousSpec) : []).map((n) => n.toLowerCase()));
    for (const name of certificateNames(enrollment.spec)) {
      if (previousNames.has(name.toLowerCase())) continue; // only names this change adds are checked
      for (const otherId of this.o.store.enrollmentsWithName(name)) {
        if (otherId === enrollment.id) continue;
        const other = this.o.store.enrollment(otherId);
        if (!other) continue;
        (other.spec.networkConfiguration.secureNetwork === enrollment.spec.networkConfiguration.secureNetwork ? sameNetwork : otherNetwork).add(name);
      }
    }
    const warnings = [...sameNetwork].map((dnsName) => warning("SNI_DNS_OVERLAP", { dnsName }));
    if (otherNetwork.size > 0) warnings.push(warning("OVERLAPPING_TRAFFIC_CLASS", { sanString: [...otherNetwork].join(", ") }));
    return warnings;
  }

  /** One warning per name live on the network that the new certificate drops. */
  private sanRemovedWarnings(enrollment: EnrollmentRecord, change: ChangeRecord): CertificateWarning[] {
    const live = enrollment.production;
    if (!live) return [];
    const next = new Set(certificateNames(change.target).map((n) => n.toLowerCase()));
    return live.dnsNames
      .filter((n) => !next.has(n.toLowerCase()))
      .map((sanValue) => warning("CERTIFICATE_VS_NETWORK_SAN_REMOVED_FROM_CERT_LIVE_ON_NETWORK", { sanValue }));
  }

  // ---------------------------------------------------------------- the timer

  /** Moves every change whose current step is due; also starts renewals and finishes deletes. */
  async tick(): Promise<void> {
    const now = this.now().getTime();
    const work: Promise<void>[] = [];
    for (const id of this.o.store.activeChanges) {
      if (this.busy.has(id) || this.stuck.has(id)) continue;
      const change = this.o.store.change(id);
      if (!change) continue;
      if (this.isDue(change, now)) work.push(this.runStep(change));
    }
    if (Date.now() - this.lastRenewalScan > 250) {
      this.lastRenewalScan = Date.now();
      this.housekeeping(now);
    }
    await Promise.all(work);
  }

  /** Runs the change's current step; one step per change at a time. */
  private runStep(change: ChangeRecord): Promise<void> {
    const id = change.id;
    this.busy.add(id);
    const work = this.advance(change)
      .catch((err: unknown) => {
        this.fail(change, "emulator-internal-error", err instanceof Error ? err.message : String(err));
        this.o.log?.(`change ${id}: ${String(err)}`);
      })
      .finally(() => {
        this.busy.delete(id);
        this.running.delete(id);
        this.o.store.changed();
      });
    this.running.set(id, work);
    return work;
  }

  /**
   * `lets-encrypt-challenges-completed` (or an operator's verdict): check the domains now, after any
   * check already in flight, so the answer reflects what is published at this moment.
   */
  async checkNow(change: ChangeRecord): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const inflight = this.running.get(change.id);
      if (inflight) {
        await inflight;
        continue;
      }
      if (!this.isDvCoordination(change) || this.stuck.has(change.id) || change.outcome !== "incomplete") return;
      change.nextDvCheckAt = this.iso();
      await this.runStep(change);
      return;
    }
  }

  /** An operator decided a domain's verdict: every change coordinating that domain checks at once. */
  async recheckDomain(domain: string): Promise<void> {
    const wanted = domain.toLowerCase();
    const changes = [...this.o.store.activeChanges].map((id) => this.o.store.change(id)).filter((c): c is ChangeRecord => !!c && c.dv.some((d) => d.domain.toLowerCase() === wanted));
    await Promise.all(changes.map((c) => this.checkNow(c)));
  }

  private isDue(change: ChangeRecord, now: number): boolean {
    if (change.state === "error" || change.state === "cancelled") return false;
    if (change.stepDueAt && Date.parse(change.stepDueAt) <= now) return true;
    if (this.isDvCoordination(change) && change.nextDvCheckAt && Date.parse(change.nextDvCheckAt) <= now) return true;
    if (change.status === "wait-ack-change-management" && change.changeManagementDeadline && Date.parse(change.changeManagementDeadline) <= now) return true;
    if (change.status === "deploy-cert-to-production" && change.state === "new") return this.windowOpen(change, now) !== "wait";
    return false;
  }

  private housekeeping(now: number): void {
    let touched = false;
    for (const enrollment of this.o.store.allEnrollments()) {
      if (enrollment.deleteDueAt && Date.parse(enrollment.deleteDueAt) <= now) {
        this.o.staging.undeploy(enrollment.id);
        this.o.production.undeploy(enrollment.id);
        this.o.store.removeEnrollment(enrollment.id);
        touched = true;
        continue;
      }
      if (enrollment.pendingChangeId === null && !enrollment.deleteDueAt && enrollment.autoRenewalStartTime && Date.parse(enrollment.autoRenewalStartTime) <= now) {
        this.openChange(enrollment, "renew", "renewal", true, { notBefore: null, notAfter: null }, enrollment.spec);
        touched = true;
      }
    }
    if (touched) this.o.store.changed();
  }

  scheduleRenewal(enrollment: EnrollmentRecord): void {
    const live = enrollment.production?.certificates[0];
    if (!live) {
      enrollment.autoRenewalStartTime = null;
      return;
    }
    // CPS restarts the steps to renew 60 days before expiry, 20 days for DV
    // (https://techdocs.akamai.com/cps/reference/about-the-cps-workflow,
    // https://techdocs.akamai.com/cps/reference/enrollments-1).
    const lead = (enrollment.spec.validationType === "dv" ? this.o.renewalLeadDays?.dv ?? 20 : this.o.renewalLeadDays?.other ?? 60) * DAY;
    const start = Math.max(Date.parse(live.notBefore), Date.parse(live.notAfter) - lead);
    enrollment.autoRenewalStartTime = this.iso(start);
  }

  private isDvCoordination(change: ChangeRecord): boolean {
    return change.status === "coodinate-domain-validation" || change.status === "coordinate-domain-validation";
  }

  private windowOpen(change: ChangeRecord, now: number): "open" | "wait" | "expired" {
    const { notBefore, notAfter } = change.deploymentSchedule;
    if (notAfter && Date.parse(notAfter) < now) return "expired";
    if (notBefore && Date.parse(notBefore) > now) return "wait";
    return "open";
  }

  private async advance(change: ChangeRecord): Promise<void> {
    const enrollment = this.o.store.enrollment(change.enrollmentId);
    if (!enrollment) return;
    const d = this.o.durations;
    switch (change.status) {
      case "generate-csr": {
        await this.generateKeys(change);
        if (change.target.ra === "lets-encrypt") await this.openDvOrder(change);
        if (change.outcome !== "incomplete") return;
        if (change.preVerificationWarnings.length > 0) this.setStatus(change, "wait-review-pre-verification-safety-checks", "awaiting-input");
        else this.afterPreVerification(change);
        return;
      }
      case "coodinate-domain-validation":
      case "coordinate-domain-validation":
        await this.checkDomains(change);
        return;
      case "check-for-cert": {
        await this.obtainCertificates(change);
        if (change.outcome !== "incomplete") return;
        const warnings = this.sanRemovedWarnings(enrollment, change);
        change.postVerificationWarnings = warnings;
        if (warnings.length > 0) this.setStatus(change, "wait-review-cert-warning", "awaiting-input");
        else this.setStatus(change, "deploy-cert-to-staging", "running", d["deploy-cert-to-staging"]);
        return;
      }
      case "verify-third-party-cert": {
        const warnings = [...(await this.thirdPartyWarnings(change)), ...this.sanRemovedWarnings(enrollment, change)];
        change.postVerificationWarnings = warnings.filter((w, index) => warnings.findIndex((other) => other.message === w.message) === index);
        if (change.postVerificationWarnings.length > 0) this.setStatus(change, "wait-review-third-party-cert", "awaiting-input");
        else this.setStatus(change, "deploy-cert-to-staging", "running", d["deploy-cert-to-staging"]);
        return;
      }
      case "deploy-cert-to-staging":
      case "deploy-changes-to-staging": {
        if (!this.deploy(enrollment, change, "staging")) return;
        if (change.target.changeManagement) {
          change.validationResultHash = this.validationHash(change);
          change.changeManagementDeadline = this.autoPushAt(enrollment, change);
          this.setStatus(change, "wait-ack-change-management", "awaiting-input");
        } else this.toProduction(change);
        return;
      }
      case "wait-ack-change-management":
        // the acknowledgement deadline passed: CPS proceeds on its own
        this.toProduction(change);
        return;
      case "deploy-cert-to-production": {
        if (change.state === "new") {
          this.toProduction(change);
          return;
        }
        const window = this.windowOpen(change, this.now().getTime());
        if (window === "expired") {
          this.fail(change, "deployment-window-expired", "The deployment window (notAfter) passed before the change could deploy to production.");
          return;
        }
        if (!this.deploy(enrollment, change, "production")) return;
        this.complete(enrollment, change);
        return;
      }
      default:
        return;
    }
  }

  /**
   * Seven days before the deployed certificate expires, CPS pushes a certificate that is ready on
   * staging straight to production, unless a deployment date is set; with "always test on staging"
   * and a deployment date, both must be satisfied
   * (https://techdocs.akamai.com/cps/reference/about-the-cps-workflow). Null: no automatic push.
   */
  private autoPushAt(enrollment: EnrollmentRecord, change: ChangeRecord): string | null {
    const live = enrollment.production?.certificates[0];
    if (!live || change.deploymentSchedule.notBefore) return null;
    return this.iso(Math.max(this.now().getTime(), Date.parse(live.notAfter) - 7 * DAY));
  }

  private afterPreVerification(change: ChangeRecord): void {
    if (!change.needsCertificate) {
      this.setStatus(change, "deploy-changes-to-staging", "running", this.o.durations["deploy-cert-to-staging"]);
    } else if (change.target.ra === "lets-encrypt") {
      this.setStatus(change, this.o.dvStatus, "suspended");
      change.nextDvCheckAt = this.iso();
    } else if (change.target.ra === "third-party") {
      this.setStatus(change, "wait-upload-third-party", "awaiting-input");
    } else {
      this.setStatus(change, "check-for-cert", "running", this.o.durations["check-for-cert"]);
    }
  }

  private toProduction(change: ChangeRecord): void {
    const window = this.windowOpen(change, this.now().getTime());
    if (window === "expired") {
      change.status = "deploy-cert-to-production";
      this.fail(change, "deployment-window-expired", "The deployment window (notAfter) passed before the change could deploy to production.");
      return;
    }
    if (window === "wait") {
      this.setStatus(change, "deploy-cert-to-production", "new");
      change.description = `Waiting for the deployment window that opens at ${change.deploymentSchedule.notBefore}.`;
      return;
    }
    this.setStatus(change, "deploy-cert-to-production", "running", this.o.durations["deploy-cert-to-production"]);
  }

  private keyAlgorithms(spec: EnrollmentSpec): KeyAlgorithmName[] {
    return spec.enableMultiStackedCertificates && spec.ra !== "lets-encrypt" ? ["RSA", "ECDSA"] : ["RSA"];
  }

  private async generateKeys(change: ChangeRecord): Promise<void> {
    const t = change.target;
    const sans = t.thirdParty?.excludeSans ? [] : certificateNames(t);
    change.keys = [];
    for (const keyAlgorithm of this.keyAlgorithms(t)) {
      const generated = await this.o.keyFactory.generate({
        commonName: t.csr.cn,
        sans,
        subject: { c: t.csr.c, st: t.csr.st, l: t.csr.l, o: t.csr.o, ou: t.csr.ou },
        keyAlgorithm,
        signatureAlgorithm: t.signatureAlgorithm,
      });
      change.keys.push({ keyAlgorithm, csrPem: generated.csrPem, privateKeyPem: generated.privateKeyPem });
    }
  }

  private async orderFor(change: ChangeRecord): Promise<DvOrder> {
    let order = this.orders.get(change.id);
    if (order && this.staleOrders.has(change.id)) {
      // The CA invalidated the order (ACME validation is one-shot) or its tokens expired: CPS asks
      // for a new order and shows new challenge values; nothing is checked in this same pass.
      this.staleOrders.delete(change.id);
      await this.openDvOrder(change);
      return this.orders.get(change.id) as DvOrder;
    }
    if (!order) {
      // after a restart the order object is gone: open a fresh one (new challenge values)
      order = await this.o.ca.createDvOrder(change.dv.map((d) => d.domain));
      this.orders.set(change.id, order);
      this.applyChallenges(change, order, false);
    }
    return order;
  }

  private async openDvOrder(change: ChangeRecord): Promise<void> {
    const order = await this.o.ca.createDvOrder(certificateNames(change.target));
    this.staleOrders.delete(change.id);
    this.orders.set(change.id, order);
    change.orderId = createHash("sha1").update(`${change.id}`).digest("hex").slice(0, 12);
    this.applyChallenges(change, order, true);
  }

  private applyChallenges(change: ChangeRecord, order: DvOrder, fresh: boolean): void {
    const now = this.iso();
    const byDomain = new Map(change.dv.map((d) => [d.domain.toLowerCase(), d]));
    change.dv = order.challenges.map((c) => {
      const previous = byDomain.get(c.domain.toLowerCase());
      const base = c.domain.replace(/^\*\./, "");
      const challenges: DvDomainRecord["challenges"] = [];
      if (!c.domain.startsWith("*.")) {
        challenges.push({
          type: "http-01",
          status: "pending",
          token: c.token,
          responseBody: c.httpResponseBody,
          fullPath: `http://${c.domain}/.well-known/acme-challenge/${c.token}`,
          redirectFullPath: `http://dcv.akamai.com/.well-known/acme-challenge/${c.token}`,
          error: null,
        });
      }
      challenges.push({ type: "dns-01", status: "pending", token: c.token, responseBody: c.dnsTxtValue, fullPath: `_acme-challenge.${base}.`, redirectFullPath: "", error: null });
      if (previous && !fresh && previous.validationStatus === "VALIDATED") return previous;
      return {
        domain: c.domain,
        status: "Pending",
        validationStatus: "PENDING",
        error: null,
        expires: this.iso(c.expires.getTime()),
        requestTimestamp: now,
        validatedTimestamp: null,
        challenges,
      };
    });
  }

  /** Runs a DV check now: on CPS's own schedule, or when the user says the challenges are in place. */
  async checkDomains(change: ChangeRecord): Promise<void> {
    if (!this.isDvCoordination(change) || this.stuck.has(change.id)) return;
    const enrollment = this.o.store.enrollment(change.enrollmentId);
    const renewing = this.staleOrders.has(change.id);
    const order = await this.orderFor(change);
    const now = this.now();
    if (renewing) {
      change.nextDvCheckAt = this.iso(now.getTime() + this.o.durations["dv-recheck-interval"]);
      change.lastUpdated = this.iso();
      return;
    }
    // Automated challenge completion first (no network wait): a name already reaching this
    // certificate through its edge hostname needs no token.
    for (const domain of change.dv) {
      if (domain.validationStatus === "VALIDATED" || this.o.book.get(domain.domain) || domain.domain.startsWith("*.")) continue;
      const edgeHostname = this.o.automatedValidation?.(domain.domain, change.enrollmentId);
      if (edgeHostname === undefined) continue;
      this.markValidated(domain, enrollment, null);
      this.o.log?.(`change ${change.id}: ${domain.domain} is CNAMEd to ${edgeHostname}, an edge hostname of enrollment ${change.enrollmentId}: validated by Akamai`);
    }
    for (const domain of change.dv) {
      if (domain.validationStatus === "VALIDATED") continue;
      const forced = this.o.book.get(domain.domain);
      if (!forced && Date.parse(domain.expires) < now.getTime()) {
        Object.assign(domain, { status: "Invalid", validationStatus: "TOKEN_EXPIRED", error: `The validation token expired at ${domain.expires}; new challenges are issued on the next check.` });
        this.staleOrders.add(change.id);
        continue;
      }
      const checked: DomainCheckResult = forced ?? (await order.validate(domain.domain));
      // an operator's verdict given while the network check ran wins
      const verdict = this.o.book.get(domain.domain) ?? checked;
      if (!verdict.ok && (verdict.validationStatus === "INVALIDATED" || verdict.validationStatus === "TOKEN_EXPIRED")) this.staleOrders.add(change.id);
      if (verdict.ok) {
        this.markValidated(domain, enrollment, verdict.challengeType);
      } else {
        domain.status = "Awaiting user";
        domain.validationStatus = verdict.validationStatus;
        domain.error = verdict.error;
      }
    }
    if (this.stuck.has(change.id)) {
      // Stuck while this check was waiting on the network: record the verdicts, but do not move on.
      change.lastUpdated = this.iso();
      return;
    }
    if (change.dv.every((d) => d.validationStatus === "VALIDATED")) {
      change.nextDvCheckAt = null;
      this.setStatus(change, "check-for-cert", "running", this.o.durations["check-for-cert"]);
    } else {
      change.nextDvCheckAt = this.iso(now.getTime() + this.o.durations["dv-recheck-interval"]);
      change.lastUpdated = this.iso();
    }
  }

  /** The domain is validated: by `challengeType`, or (null) by Akamai itself, no challenge used. */
  private markValidated(domain: DvDomainRecord, enrollment: EnrollmentRecord | undefined, challengeType: "dns-01" | "http-01" | null): void {
    domain.status = "Valid";
    domain.validationStatus = "VALIDATED";
    domain.error = null;
    domain.validatedTimestamp = this.iso();
    for (const c of domain.challenges) if (c.type === challengeType) c.status = "valid";
    if (enrollment) (enrollment.dvHistory[domain.domain.toLowerCase()] ??= []).push(JSON.parse(JSON.stringify(domain)));
  }

  private async obtainCertificates(change: ChangeRecord): Promise<void> {
    const certificates: CertificateRecord[] = [];
    // A domain validated by an operator's verdict (admin API) or by Akamai's automated challenge
    // completion never reached the CA's order, so the CA issues it directly, with the DV lifetime.
    const forced = change.dv.some((d) => this.o.book.get(d.domain)?.ok === true || validatedWithoutChallenge(d));
    for (const key of change.keys) {
      const issued =
        change.target.ra !== "lets-encrypt"
          ? await this.o.ca.issue(key.csrPem, { organization: organizationOf(change.target) })
          : forced
            ? await this.o.ca.issue(key.csrPem, { validity: "dv" })
            : await (await this.orderFor(change)).finalize(key.csrPem);
      certificates.push({
        keyAlgorithm: key.keyAlgorithm,
        certificatePem: issued.certificatePem,
        trustChainPem: issued.trustChainPem,
        notBefore: this.iso(issued.notBefore.getTime()),
        notAfter: this.iso(issued.notAfter.getTime()),
        serialHex: issued.serialHex,
        signatureAlgorithm: change.target.signatureAlgorithm ?? "SHA-256",
      });
    }
    change.certificates = certificates;
    this.orders.delete(change.id);
  }

  private validationHash(change: ChangeRecord): string {
    return createHash("md5")
      .update(JSON.stringify([change.id, change.certificates.map((c) => c.serialHex), change.postVerificationWarnings, change.target.networkConfiguration]))
      .digest("hex");
  }

  /** Puts the change's certificates on a network; false (and the change in error) when the edge refuses them. */
  private deploy(enrollment: EnrollmentRecord, change: ChangeRecord, network: "staging" | "production"): boolean {
    if (enrollment.assignedSlots.length === 0) enrollment.assignedSlots = [this.o.store.state.nextSlot++];
    const record: DeploymentRecord = {
      changeId: change.id,
      deployedAt: this.iso(),
      certificates: change.certificates.map((c) => ({ ...c })),
      networkConfiguration: JSON.parse(JSON.stringify(change.target.networkConfiguration)),
      certificateType: change.target.certificateType,
      dnsNames: servedNames(change.target),
      slots: [...enrollment.assignedSlots],
    };
    const privateKeys = new Map(change.keys.map((k) => [k.keyAlgorithm, k.privateKeyPem]));
    const previous = enrollment[network];
    const edge = network === "staging" ? this.o.staging : this.o.production;
    try {
      edge.deploy(
        enrollment.id,
        record.dnsNames,
        record.certificates.map((c) => ({
          keyAlgorithm: c.keyAlgorithm,
          certificatePem: c.certificatePem,
          trustChainPem: c.trustChainPem,
          // a deployment-only change keeps the keys of the change that issued the certificate
          privateKeyPem: privateKeys.get(c.keyAlgorithm) ?? this.liveKey(enrollment, previous, c.keyAlgorithm),
        })),
      );
    } catch (err) {
      // e.g. an acknowledged third-party certificate whose key is not the CSR's: the edge cannot serve it
      this.fail(change, "deployment-failed", `The certificate could not be deployed to ${network}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
    enrollment[network] = record;
    if (network === "staging") enrollment.stagingSlots = [...enrollment.assignedSlots];
    else enrollment.productionSlots = [...enrollment.assignedSlots];
    return true;
  }

  private liveKey(enrollment: EnrollmentRecord, previous: DeploymentRecord | null, algorithm: KeyAlgorithmName): string {
    const source = previous ? this.o.store.change(previous.changeId) : undefined;
    return source?.keys.find((k) => k.keyAlgorithm === algorithm)?.privateKeyPem ?? "";
  }

  private complete(enrollment: EnrollmentRecord, change: ChangeRecord): void {
    change.outcome = "completed";
    this.setStatus(change, "complete", "completed");
    if (enrollment.pendingChangeId === change.id) enrollment.pendingChangeId = null;
    if (change.needsCertificate) {
      enrollment.certificateHistory.push({
        changeId: change.id,
        certificateType: change.target.certificateType,
        ra: change.target.ra,
        geography: change.target.networkConfiguration.geography,
        slots: [...enrollment.assignedSlots],
        certificates: change.certificates.map((c) => ({ ...c })),
      });
    }
    this.scheduleRenewal(enrollment);
    this.o.store.putChange(change);
  }

  // ---------------------------------------------------------------- user inputs

  acknowledgePreVerification(change: ChangeRecord): void {
    this.afterPreVerification(change);
  }

  acknowledgePostVerification(change: ChangeRecord): void {
    this.setStatus(change, "deploy-cert-to-staging", "running", this.o.durations["deploy-cert-to-staging"]);
  }

  acknowledgeChangeManagement(change: ChangeRecord): void {
    this.toProduction(change);
  }

  /** A third-party upload: checked against the CSR; warnings surface after `verify-third-party-cert`. */
  uploadThirdParty(change: ChangeRecord, uploads: UploadedCertificate[]): void {
    const names = change.target.thirdParty?.excludeSans ? [change.target.csr.cn] : certificateNames(change.target);
    const certificates: CertificateRecord[] = [];
    const now = this.now();
    for (const upload of uploads) {
      const key = change.keys.find((k) => k.keyAlgorithm === upload.keyAlgorithm) ?? change.keys[0];
      // parsed here for the dates; the warnings come from the full comparison in verify-third-party-cert
      const result = checkThirdPartyCertificate(upload, key?.csrPem ?? "", names, now);
      certificates.push({
        keyAlgorithm: upload.keyAlgorithm,
        certificatePem: upload.certificatePem,
        trustChainPem: upload.trustChainPem,
        notBefore: this.iso((result.parsed?.notBefore ?? now).getTime()),
        notAfter: this.iso((result.parsed?.notAfter ?? new Date(now.getTime() + 90 * DAY)).getTime()),
        serialHex: result.parsed?.serialHex ?? "00",
        signatureAlgorithm: change.target.signatureAlgorithm,
      });
    }
    change.certificates = certificates;
    change.postVerificationWarnings = [];
    this.setStatus(change, "verify-third-party-cert", "running", this.o.durations["verify-third-party-cert"]);
  }

  /** Every uploaded certificate compared with the CSR CPS made for its key algorithm (never silent acceptance). */
  private async thirdPartyWarnings(change: ChangeRecord): Promise<CertificateWarning[]> {
    const found: CertificateWarning[] = [];
    for (const certificate of change.certificates) {
      const key = change.keys.find((k) => k.keyAlgorithm === certificate.keyAlgorithm);
      if (!key) continue;
      const warnings = await compareCertificateWithCsr(certificate.certificatePem, certificate.trustChainPem, key.csrPem, {
        now: this.now(),
        trustedRootsPem: this.o.thirdPartyTrustedRootsPem,
        expectedSignatureHash: hashFromSignatureAlgorithm(change.target.signatureAlgorithm),
        keyAlgorithm: certificate.keyAlgorithm,
      });
      found.push(...warnings);
    }
    return found;
  }
}

/**
 * OV and EV certificates name the organization the CA validated (CA/Browser Forum Baseline
 * Requirements §7.1.4.2: organizationName, localityName, stateOrProvinceName, countryName): the
 * enrollment's `org`, or the CSR fields when the organization is registered with the CA (`orgId`).
 */
function organizationOf(spec: EnrollmentSpec): { o?: string | null; l?: string | null; st?: string | null; c?: string | null } {
  if (spec.org) return { o: spec.org.name, l: spec.org.city, st: spec.org.region, c: spec.org.country };
  return { o: spec.csr.o, l: spec.csr.l, st: spec.csr.st, c: spec.csr.c };
}
