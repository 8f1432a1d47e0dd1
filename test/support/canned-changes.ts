/**
 * A stub CPS for change-follower tests: the change's status comes from a script (one status per read,
 * the last one repeated), allowed-input info from canned answers, and every request is recorded so a
 * test can assert what a user would notice: which acknowledgement was sent, and that none was sent twice.
 */
import { changeStatusSchema, CpsApiError, type AllowedInput, type ChangeStatus, type CpsApi } from "../../provider/cps";
import type { FollowContext } from "../../provider/lifecycle/follow";
import type { Progress } from "../../provider/lifecycle/progress";

export interface CannedStatus {
  status: string;
  state?: string;
  /** Allowed-input types CPS offers in this status. */
  inputs?: string[];
  error?: { code?: string; description?: string };
  deploymentSchedule?: { notBefore?: string | null; notAfter?: string | null };
}

/** A change.v2 body, parsed by the client's own schema. */
export function changeStatus(c: CannedStatus): ChangeStatus {
  return changeStatusSchema.parse({
    statusInfo: {
      status: c.status,
      state: c.state ?? (c.error ? "error" : c.status === "complete" ? "completed" : (c.inputs?.length ?? 0) > 0 ? "awaiting-input" : "running"),
      ...(c.error ? { error: c.error } : {}),
      ...(c.deploymentSchedule ? { deploymentSchedule: c.deploymentSchedule } : {}),
    },
    allowedInput: (c.inputs ?? []).map((type) => ({ type, requiredToProceed: true, info: `/cps/v2/info/${type}`, update: `/cps/v2/update/${type}` })),
  });
}

export interface CannedAnswers {
  /** warnings.v1 text of the pre/post-verification warnings. */
  preVerificationWarnings?: string;
  postVerificationWarnings?: string;
  validationResultHash?: string;
  /** dv-challenges.v2 per read (the last repeats): the domains and their validation status. */
  dvChallenges?: Array<Array<{ domain: string; validationStatus: string; token?: string }>>;
  csrs?: Array<{ keyAlgorithm: string; csr: string }>;
}

export interface CannedCps {
  ctx: FollowContext;
  /** Every request as "METHOD what", in order. */
  requests: string[];
  /** The progress lines the user would read. */
  lines: string[];
  /** Requests matching a prefix ("POST change-management"). */
  sent(prefix: string): string[];
}

/**
 * `script`: the change's status on each read (the last repeats); `undefined` entries answer 404.
 * Time is virtual: sleeping advances the clock, so a follow takes no real time.
 */
export function cannedChanges(script: Array<CannedStatus | undefined>, answers: CannedAnswers = {}): CannedCps {
  const requests: string[] = [];
  const lines: string[] = [];
  let reads = 0;
  let dvReads = 0;
  let clock = 1_000_000;
  const record = (line: string) => requests.push(line);
  const typeOf = (input: AllowedInput) => input.type;
  const api = {
    async getChangeStatus(enrollmentId: number, changeId: number): Promise<ChangeStatus> {
      record(`GET change ${enrollmentId}/${changeId}`);
      const canned = script[Math.min(reads++, script.length - 1)];
      if (canned === undefined) throw new CpsApiError({ status: 404, method: "GET", path: `/cps/v2/enrollments/${enrollmentId}/changes/${changeId}`, title: "Not Found" });
      return changeStatus(canned);
    },
    async getPreVerificationWarnings(input: AllowedInput): Promise<string> {
      record(`GET ${typeOf(input)}`);
      return answers.preVerificationWarnings ?? "";
    },
    async getPostVerificationWarnings(input: AllowedInput): Promise<string> {
      record(`GET ${typeOf(input)}`);
      return answers.postVerificationWarnings ?? "";
    },
    async acknowledgePreVerificationWarnings(input: AllowedInput, ack: string): Promise<void> {
      record(`POST ${typeOf(input)} ${ack}`);
    },
    async acknowledgePostVerificationWarnings(input: AllowedInput, ack: string): Promise<void> {
      record(`POST ${typeOf(input)} ${ack}`);
    },
    async getChangeManagementInfo(input: AllowedInput) {
      record(`GET ${typeOf(input)}`);
      return { acknowledgementDeadline: null, validationResultHash: answers.validationResultHash ?? "hash-0123456789abcdef" };
    },
    async acknowledgeChangeManagement(input: AllowedInput, ack: string, hash?: string): Promise<void> {
      record(`POST ${typeOf(input)} ${ack}${hash ? ` ${hash}` : ""}`);
    },
    async updateDeploymentSchedule(enrollmentId: number, changeId: number, schedule: { notBefore: string | null; notAfter: string | null }): Promise<void> {
      record(`PUT deployment-schedule ${enrollmentId}/${changeId} ${schedule.notBefore ?? "-"} ${schedule.notAfter ?? "-"}`);
    },
    async getDvChallenges(input: AllowedInput) {
      record(`GET ${typeOf(input)}`);
      return {
        dv: (answers.dvChallenges?.[Math.min(dvReads++, answers.dvChallenges.length - 1)] ?? []).map((d) => ({
          domain: d.domain,
          validationStatus: d.validationStatus,
          status: d.validationStatus,
          challenges: [{ type: "dns-01", status: "pending", token: d.token ?? "token", fullPath: `_acme-challenge.${d.domain}`, responseBody: d.token ?? "token" }],
        })),
      };
    },
    async getThirdPartyCsrs(input: AllowedInput) {
      record(`GET ${typeOf(input)}`);
      return answers.csrs ?? [];
    },
  };
  const progress: Progress = Object.defineProperty((line: string) => void lines.push(line), "name", { value: "test" });
  const ctx: FollowContext = {
    // Only what a follower calls: a call to anything else fails the test with "not a function".
    cps: api as unknown as CpsApi,
    progress,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
  };
  return { ctx, requests, lines, sent: (prefix) => requests.filter((r) => r.startsWith(prefix)) };
}
