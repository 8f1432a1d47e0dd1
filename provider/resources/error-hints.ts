/**
 * What to do about an API error, appended to its message where the API's own text does not say it
 * in this program's terms: a clock-skew 401, and CPS's duplicate common name refusal. The error's
 * code (CpsApiError picks it from the status, provider/cps/errors.ts) says which; the hint names
 * the same troubleshooting section as the code, so the message ends with `[Code]` only.
 */
import { CpsApiError, cpsContractId, type CpsApi } from "../cps";
import { formatElapsed } from "../lifecycle/progress";

function isClockSkew(e: CpsApiError): boolean {
  return e.code === "ClockSkew";
}

function isDuplicateCommonName(e: CpsApiError): boolean {
  return e.code === "DuplicateCommonName";
}

/**
 * EdgeGrid signs each request with this machine's clock; Akamai's gateway refuses a timestamp too far
 * from its own (https://techdocs.akamai.com/developer/docs/authenticate-with-edgegrid) and does not
 * publish the tolerance. Its problem body carries `requestTime` (the gateway's clock), which gives
 * the skew.
 */
function clockSkewHint(e: CpsApiError, now: number): string {
  const serverTime = typeof e.problem?.requestTime === "string" ? Date.parse(e.problem.requestTime) : NaN;
  const local = new Date(now).toISOString();
  const skew = Number.isNaN(serverTime)
    ? `this machine's clock reads ${local}`
    : `this machine's clock (${local}) is ${formatElapsed(Math.abs(now - serverTime))} ${now >= serverTime ? "ahead of" : "behind"} Akamai's (${new Date(serverTime).toISOString()})`;
  return (
    ` — Akamai refused the request's EdgeGrid timestamp, which comes from the local clock: ${skew}. ` +
    "Akamai does not publish how much clock skew it accepts, so keep the clock synchronized (NTP) and run `pulumi up` again. See docs/troubleshooting.md#clock-skew."
  );
}

function duplicateCommonNameHint(holder: number | undefined): string {
  return (
    ` — ${holder !== undefined ? `Enrollment ${holder} already holds this common name. ` : ""}` +
    "To create a second enrollment with it, set allowDuplicateCommonName: true on the Enrollment (this is what sends the API's allow-duplicate-cn flag); " +
    `to manage the existing one instead, set adoptEnrollmentId${holder !== undefined ? `: ${holder}` : ""}. See docs/troubleshooting.md#duplicate-common-name.`
  );
}

/** The hint for an error, when there is one; `holder` is the enrollment found holding a duplicate CN. */
export function hintFor(e: unknown, options: { now?: number; holder?: number } = {}): string | undefined {
  if (!(e instanceof CpsApiError)) return undefined;
  if (isClockSkew(e)) return clockSkewHint(e, options.now ?? Date.now());
  if (isDuplicateCommonName(e)) return duplicateCommonNameHint(options.holder);
  return undefined;
}

export function needsHolderLookup(e: unknown): boolean {
  return e instanceof CpsApiError && isDuplicateCommonName(e);
}

/** The enrollment of `contractId` whose common name is `commonName` (for the duplicate-CN hint). */
export async function holderOf(client: CpsApi, contractId: string, commonName: string): Promise<number | undefined> {
  const wanted = commonName.toLowerCase();
  const list = await client.listEnrollments(cpsContractId(contractId));
  return list.filter((e) => e.csr.cn.toLowerCase() === wanted).sort((a, b) => a.id - b.id)[0]?.id;
}
