/**
 * Creating an enrollment without ever taking another stack's: the resume rule.
 *
 * A resource resumes only an enrollment it can show it created: the id its own create journaled the
 * moment the POST returned (create-journal.ts), for the same account, stack and resource name, still
 * in the same contract with the same common name. Any other enrollment with the common name — a
 * second stack's, a copy's, or the one an interrupted POST may have left without an answer — is
 * reported with its id and creation time and the `adoptEnrollmentId` advice, never taken; CPS's own
 * duplicate-common-name rule then decides whether a new one can be created. Matching on contents
 * (CN, SANs, type, pending first change) cannot tell "my interrupted create" from "someone else's
 * create", which is how one stack's destroy deleted another's certificate.
 * See docs/drift-and-import.md "Interrupted creates".
 */
import { CpsApiError, type CpsApi, Enrollment, isCreationThrottle, latestChangeId, retrying } from "../cps";
import type { Progress } from "../lifecycle/progress";
import { isTransient } from "../lifecycle/transient";
import { JournalEntry, readJournal, removeJournal, ResourceIdentity, writeJournal } from "./create-journal";
import { EnrollmentInputs } from "./enrollment-inputs";
import { enrollmentRequest } from "./enrollment-spec";
import { invalidateLiveEnrollments } from "./live-enrollments";
import { normalizeHostname } from "./hostnames";
import { currentSettings } from "./provider-config";
import { CodedError, plainMessage } from "./coded-error";

/** The resource's identity from the keys the SDK adds (`__cpsStack`, `__cpsName`); undefined when either is missing. */
export function identityOf(client: CpsApi, props: { readonly [key: string]: unknown; readonly __cpsStack?: unknown; readonly __cpsName?: unknown }): ResourceIdentity | undefined {
  const stack = props.__cpsStack;
  const name = props.__cpsName;
  if (typeof stack !== "string" || stack === "" || typeof name !== "string" || name === "") return undefined;
  const accountKey = currentSettings().accountKey;
  return { account: accountKey ? `${client.baseUrl}#${accountKey}` : client.baseUrl, stack, name };
}

/** An enrollment of the contract with the resource's common name, and when CPS created it (first change). */
export interface SameNameEnrollment {
  id: number;
  createdOn: string | null;
}

function sameCommonName(e: Enrollment, inputs: EnrollmentInputs): boolean {
  return normalizeHostname(e.csr.cn) === inputs.commonName;
}

async function createdOn(client: CpsApi, enrollmentId: number): Promise<string | null> {
  try {
    const history = await client.getChangeHistory(enrollmentId);
    const times = history.changes.map((c) => c.createdOn).filter((t): t is string => typeof t === "string" && !Number.isNaN(Date.parse(t)));
    return times.sort((a, b) => Date.parse(a) - Date.parse(b))[0] ?? null;
  } catch {
    return null; // the report is still useful without a time
  }
}

async function withCreationTimes(client: CpsApi, list: readonly Enrollment[]): Promise<SameNameEnrollment[]> {
  const out: SameNameEnrollment[] = [];
  for (const e of [...list].sort((a, b) => a.id - b.id)) out.push({ id: e.id, createdOn: await createdOn(client, e.id) });
  return out;
}

/** "enrollment 10001 (created 2026-12-01T12:03:05Z, not in this resource's state)". */
export function describeSameName(list: readonly SameNameEnrollment[], journal?: JournalEntry): string {
  return list
    .map((s) => {
      const after = journal && s.createdOn && Date.parse(s.createdOn) >= Date.parse(journal.postStartedAt) - 5 * 60_000 ? ", after this resource's unanswered POST" : "";
      return `enrollment ${s.id} (created ${s.createdOn ?? "at an unknown time"}${after}, not in this resource's state)`;
    })
    .join("; ");
}

/** What to do about enrollments that have the name but cannot be shown to be this resource's. */
export function adoptAdvice(list: readonly SameNameEnrollment[]): string {
  const ids = list.map((s) => s.id);
  const one = ids.length === 1 ? String(ids[0]) : `<one of ${ids.join(", ")}>`;
  return (
    `If it is this resource's interrupted create (its run printed "created enrollment ${one}"), set adoptEnrollmentId: ${one} on the resource and run \`pulumi up\` again. ` +
    "If it belongs to another stack, leave it alone: use another common name, or set allowDuplicateCommonName: true to create a second enrollment. " +
    "See docs/drift-and-import.md#interrupted-creates."
  );
}

/**
 * CPS's 409 for a duplicate common name tells the user to send the API's `allow-duplicate-cn=true`;
 * in a program that is the `allowDuplicateCommonName` input, so say that, and name the holder.
 */
function duplicateCommonNameRefusal(e: unknown, commonName: string, holders: readonly SameNameEnrollment[], journal?: JournalEntry): string {
  const api = e instanceof CpsApiError ? `${e.status}${e.title ? ` ${e.title}` : ""}${e.requestId ? `, request id ${e.requestId}` : ""}` : String(e);
  const ids = holders.map((h) => h.id);
  const one = ids.length === 1 ? String(ids[0]) : `<one of ${ids.join(", ")}>`;
  return (
    `CPS refused a second enrollment with the common name ${commonName} (${api}): Enrollment ${ids.join(", ")} already holds this common name — ${describeSameName(holders, journal)}. ` +
    `If it is this resource's interrupted create (its run printed "created enrollment ${one}"), set adoptEnrollmentId: ${one} on the Enrollment and run \`pulumi up\` again. ` +
    "If it belongs to another stack, leave it alone: use another common name, or set allowDuplicateCommonName: true on the Enrollment to create a second enrollment. " +
    "See docs/troubleshooting.md#duplicate-common-name."
  );
}

export type CreateStart =
  /** This resource's own interrupted create: continue with it. */
  | { kind: "resume"; enrollment: Enrollment }
  /** Nothing provably ours: POST a new one (others with the name are listed for the report). */
  | { kind: "post"; sameName: Enrollment[]; journal?: JournalEntry };

/**
 * Decide how a create starts: resume the enrollment this resource's journal names, or post a new
 * one. Reads the contract's enrollments once.
 */
export async function startCreate(client: CpsApi, inputs: EnrollmentInputs, identity: ResourceIdentity | undefined, progress: Progress): Promise<CreateStart> {
  invalidateLiveEnrollments(client, inputs.contractId);
  const journal = identity ? readJournal(identity) : undefined;
  let live: Enrollment[];
  try {
    live = await client.listEnrollments(inputs.contractId);
  } catch (error) {
    // API credentials may create enrollments without being allowed to list the contract's. With no
    // interrupted create of ours on record there is nothing to resume, so creating is the way
    // forward (CPS's duplicate-common-name rule still applies). With one on record, never post blind.
    if (!(error instanceof CpsApiError && error.status === 403) || journal !== undefined) throw error;
    progress(`CPS refused to list the enrollments of contract ${inputs.contractId} (403); creating without looking for one to resume`);
    return { kind: "post", sameName: [] };
  }
  if (journal?.enrollmentId !== undefined) {
    const own = live.find((e) => e.id === journal.enrollmentId);
    if (own && journal.contractId === inputs.contractId && sameCommonName(own, inputs)) return { kind: "resume", enrollment: own };
    if (own) {
      progress(
        `warning: enrollment ${own.id}, created by an interrupted run of this resource, now has common name ${own.csr.cn} while the program asks for ${inputs.commonName}: ` +
          "it is not resumed; delete it in Control Center if nothing uses it",
      );
    }
    if (identity) removeJournal(identity); // gone or no longer this resource's certificate
  }
  const sameName = live.filter((e) => sameCommonName(e, inputs));
  return { kind: "post", sameName, journal: journal?.enrollmentId === undefined ? journal : undefined };
}

/** Before posting: say which enrollments already carry the name (CPS refuses a duplicate unless allowed). */
export async function reportSameName(client: CpsApi, start: Extract<CreateStart, { kind: "post" }>, inputs: EnrollmentInputs, progress: Progress): Promise<SameNameEnrollment[]> {
  if (start.sameName.length === 0) return [];
  const described = await withCreationTimes(client, start.sameName);
  progress(
    `${describeSameName(described, start.journal)} has the common name ${inputs.commonName}; ` +
      `it is not taken over${inputs.allowDuplicateCommonName ? "; allowDuplicateCommonName is set, so a second enrollment is created" : ""}. ${adoptAdvice(described)}`,
  );
  return described;
}

const CREATE_ATTEMPTS = 3;

/**
 * A 409 on create that may be CPS's duplicate-common-name refusal: any 409 but the creation throttle
 * (the creation queue waits that one out; one that still surfaces is not about the name). Akamai
 * publishes no exact text for the refusal, so the holders found by listing decide the report.
 */
function isDuplicateCommonNameConflict(e: unknown): boolean {
  return e instanceof CpsApiError && e.status === 409 && !isCreationThrottle(e);
}

/**
 * POST the enrollment, journaling the intent before and the id the moment CPS answers. The client
 * never repeats a POST that may have reached CPS (a 5xx or a reset mid-request), because repeating it
 * could create a second enrollment: after such a failure, look at what landed. A new enrollment with
 * this name cannot be shown to be ours (another stack may have posted it), so it is reported and
 * the create stops; only when nothing landed is the POST sent again.
 */
export async function postEnrollment(
  client: CpsApi,
  inputs: EnrollmentInputs,
  identity: ResourceIdentity | undefined,
  start: Extract<CreateStart, { kind: "post" }>,
  progress: Progress,
): Promise<{ enrollmentId: number; changeId: number | null }> {
  const before = new Set(start.sameName.map((e) => e.id));
  const postStartedAt = new Date().toISOString();
  const entry: JournalEntry | undefined = identity ? { ...identity, contractId: inputs.contractId, commonName: inputs.commonName, postStartedAt } : undefined;
  return retrying(
    async () => {
      if (entry) writeJournal(entry);
      const result = await client.createEnrollment({
        contractId: inputs.contractId,
        enrollment: enrollmentRequest(inputs, { includeMutualAuth: false }),
        ...(inputs.allowDuplicateCommonName ? { allowDuplicateCn: true } : {}),
        ...(inputs.deploymentSchedule?.notBefore ? { deployNotBefore: inputs.deploymentSchedule.notBefore } : {}),
        ...(inputs.deploymentSchedule?.notAfter ? { deployNotAfter: inputs.deploymentSchedule.notAfter } : {}),
      });
      if (entry) writeJournal({ ...entry, enrollmentId: result.enrollmentId });
      const changeId = latestChangeId(result) ?? null;
      progress(`created enrollment ${result.enrollmentId} (change ${changeId ?? "none"})`);
      return { enrollmentId: result.enrollmentId, changeId };
    },
    {
      attempts: CREATE_ATTEMPTS,
      // Only when nothing landed is the POST sent again.
      retryOn: async (e) => {
        if (!isTransient(e)) {
          if (identity) removeJournal(identity); // CPS answered: nothing was created
          if (isDuplicateCommonNameConflict(e)) {
            invalidateLiveEnrollments(client, inputs.contractId);
            const holders = (await client.listEnrollments(inputs.contractId).catch(() => start.sameName)).filter((x) => sameCommonName(x, inputs));
            if (holders.length > 0) {
              const described = await withCreationTimes(client, holders);
              throw new CodedError("DuplicateCommonName", duplicateCommonNameRefusal(e, inputs.commonName, described, start.journal), { cause: e });
            }
          }
          return false;
        }
        progress(`creating the enrollment failed (${plainMessage(e)}); checking whether CPS created it anyway`);
        invalidateLiveEnrollments(client, inputs.contractId);
        const appeared = (await client.listEnrollments(inputs.contractId)).filter((x) => !before.has(x.id) && sameCommonName(x, inputs));
        if (appeared.length > 0) {
          const described = await withCreationTimes(client, appeared);
          throw new CodedError(
            "AnotherEnrollmentHasCommonName",
            `CPS did not answer the request that creates the enrollment (${plainMessage(e)}), and since it was sent ${describeSameName(described)} appeared with the common name ${inputs.commonName}. ` +
              `It may be this resource's or another stack's create, so it is not taken. ${adoptAdvice(described)}`,
            { cause: e },
          );
        }
        return true;
      },
    },
  );
}

/** The engine has the id now (create returned, with or without partial state): the journal entry is done. */
export function forgetCreate(identity: ResourceIdentity | undefined): void {
  if (identity) removeJournal(identity);
}
