/**
 * The baseline of scenario 1: what the Terraform `akamai` provider does today, reproduced with our
 * CpsClient so only the strategy differs. Fixed 10 s polling per resource (in CPS time, so divided
 * by the time scale here), retries on GETs only (429/5xx/network, exponential from 1 s), POSTs sent
 * once: a POST answered 429 fails its resource, as in Terraform. No client-side budget.
 *
 * One concession, so the comparison is about polling rather than about the throttle: creations
 * wait for CPS's five-minute creation window (the client's creation queue, given the window in
 * real ms by the caller), as a user re-running `terraform apply` after each 409 would end up doing.
 */
import { CpsApiError, CpsBudgetTimeoutError, CpsClient, CpsNetworkError, deadlineIn, withRequestContext, type ChangeStatus } from "../provider/cps";
import { extractChallenges } from "../provider/lifecycle/challenges";
import { findInput, INPUT, isComplete, isDvCoordination, isPastIssuance } from "../provider/lifecycle/statuses";
import { enrollmentRequest } from "../provider/resources/enrollment-spec";
import { enrollmentInputsSchema } from "../provider/resources/enrollment-inputs";

const POLL_CPS_MS = 10_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryable(e: unknown): boolean {
  // A 429 reaches this strategy as CpsBudgetTimeoutError (the client is given no time to wait, see dv-flow.ts).
  return e instanceof CpsNetworkError || e instanceof CpsBudgetTimeoutError || (e instanceof CpsApiError && (e.status === 429 || e.status >= 500));
}

export interface TerraformRun {
  changeId: number;
  enrollmentId: number;
  wallMs: number;
}

export async function runTerraformStrategy(o: { client: CpsClient; scale: number; zone: string; inputs: unknown; onPhase?: (phase: string) => void }): Promise<TerraformRun> {
  const { client, scale, zone } = o;
  // No time to wait for budget: a 429 is an error the strategy sees, as Terraform does.
  const once = <T>(fn: () => Promise<T>): Promise<T> => withRequestContext({ deadline: deadlineIn(0) }, fn);
  const get = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(fn);
      } catch (e) {
        if (!retryable(e) || attempt >= 10) throw e;
        await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)) / scale);
      }
    }
  };
  const pollUntil = async (changeId: number, enrollmentId: number, done: (c: ChangeStatus) => boolean): Promise<ChangeStatus> => {
    for (;;) {
      await sleep(POLL_CPS_MS / scale);
      const change = await get(() => client.getChangeStatus(enrollmentId, changeId, { throwOnError: true }));
      if (done(change)) return change;
    }
  };
  const inputs = enrollmentInputsSchema.parse(o.inputs);
  const started = Date.now();
  const phase = o.onPhase ?? (() => undefined);
  phase("creating the enrollment");
  // Creations wait for the account's 5-minute slot in the client's queue (without that the baseline
  // would only fail with 409s, which says nothing about polling); everything else has no time to wait.
  const created = await withRequestContext({ deadline: deadlineIn(6 * 3_600_000) }, () =>
    client.createEnrollment({ contractId: inputs.contractId, enrollment: enrollmentRequest(inputs, { includeMutualAuth: false }) }),
  );
  const enrollmentId = created.enrollmentId;
  const changeId = Math.max(...created.changeIds);
  // akamai_cps_dv_enrollment: wait for the challenges
  phase(`change ${changeId}: waiting for challenges`);
  const coordinating = await pollUntil(changeId, enrollmentId, (c) => !!findInput(c, INPUT.letsEncryptChallenges) && isDvCoordination(c.statusInfo.status));
  const dv = findInput(coordinating, INPUT.letsEncryptChallenges)!;
  const challenges = extractChallenges(await get(() => client.getDvChallenges(dv)));
  // akamai_dns_record per domain
  for (const c of Object.values(challenges.dnsChallenges)) {
    await once(() => client.edgeDns.createRecordSet(zone, { name: c.recordName, type: "TXT", ttl: 60, rdata: [`"${c.value}"`] }));
  }
  // akamai_cps_dv_validation, then waiting for the network as a deployment would
  phase(`change ${changeId}: acknowledging the challenges`);
  // akamai_cps_dv_validation reads the change first and acknowledges only while CPS still offers the
  // input: CPS's own DNS recheck may have validated the records already (then the POST answers 409).
  const before = await get(() => client.getChangeStatus(enrollmentId, changeId, { throwOnError: true }));
  const stillOffered = findInput(before, INPUT.letsEncryptChallenges);
  if (stillOffered && isDvCoordination(before.statusInfo.status)) await once(() => client.acknowledgeDvChallenges(stillOffered));
  phase(`change ${changeId}: waiting for issuance`);
  await pollUntil(changeId, enrollmentId, (c) => isPastIssuance(c) || isComplete(c));
  phase(`change ${changeId}: waiting for staging`);
  const onStaging = await pollUntil(changeId, enrollmentId, (c) => !!findInput(c, INPUT.changeManagement) || isComplete(c));
  const cm = findInput(onStaging, INPUT.changeManagement);
  if (cm) {
    const info = await get(() => client.getChangeManagementInfo(cm));
    phase(`change ${changeId}: acknowledging change management`);
    await once(() => client.acknowledgeChangeManagement(cm, "acknowledge", info.validationResultHash));
    phase(`change ${changeId}: waiting for production`);
    await pollUntil(changeId, enrollmentId, isComplete);
  }
  await get(() => client.getProductionDeployment(enrollmentId));
  return { changeId, enrollmentId, wallMs: Date.now() - started };
}

