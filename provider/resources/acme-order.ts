/**
 * The AcmeOrder dynamic provider: opens an ACME order for the names in a CSR (e.g. a CPS
 * third-party CSR) and outputs the dns-01 records to publish, keyed by domain like the Enrollment's
 * `dnsChallenges`. It never touches DNS: the program declares the records (EdgeDnsTxtRecord or any
 * DNS provider) outside `apply()`, and AcmeCertificate finishes the order once they exist.
 *
 * A new CSR (a CPS renewal) replaces the order. An order the CA marked invalid or that expired
 * unfinished is replaced on the next `up` (diff asks the CA), so a failed validation never sticks.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DEFAULT_CHALLENGE_TTL, DnsChallenge } from "../lifecycle/challenges";
import { parseInputs, progressOf } from "./check";
import { acmeErrorText, acmeSession, ensureAccount, generateAccountKeyPem, orderRef } from "./acme-session";
import { csrNames } from "./pem";
import { acmeUrlInput, certificatesPemInput, expecting, privateKeyPemInput } from "./strict-inputs";
import { sameValue } from "./same-value";
import { hasUnknowns } from "./unknowns";
import { resourceProvider } from "./resource-provider";
import { CodedError } from "./coded-error";

export const csrPemInput = z
  .string(expecting("a PEM certificate request as text, e.g. enrollment.csrs.rsa", "is required: a PEM certificate request, e.g. enrollment.csrs.rsa"))
  .refine((s) => s.includes("-----BEGIN CERTIFICATE REQUEST-----"), { message: "must be a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)" })
  .refine(
    (s) => {
      try {
        return csrNames(s).names.length > 0;
      } catch {
        return false;
      }
    },
    { message: "is not a valid PKCS#10 request with a common name or DNS names" },
  );

export const directoryUrlInput = acmeUrlInput("the URL of an ACME directory, e.g. https://acme-v02.api.letsencrypt.org/directory");
export const caCertPemInput = certificatesPemInput;

export const acmeOrderInputsSchema = z
  .object({
    csrPem: csrPemInput,
    directoryUrl: directoryUrlInput,
    email: z.email({ message: "must be an email address" }).optional(),
    /** External Account Binding (Sectigo, ZeroSSL, Google Trust Services): key id and base64url HMAC key. */
    eab: z
      .object({
        kid: z.string().min(1, { message: "must not be empty" }),
        hmacKey: z.string().regex(/^[A-Za-z0-9_\-+/]+=*$/, { message: "must be the base64url HMAC key your CA gave you" }),
      })
      .strict()
      .optional(),
    /** PEM private key of the ACME account; generated (and kept as a secret output) when absent. */
    accountKeyPem: privateKeyPemInput("must be a PEM private key").optional(),
    caCertPem: caCertPemInput.optional(),
    challengeType: z.literal("dns-01", { message: 'only "dns-01" is supported' }).default("dns-01"),
  })
  .strict();
export type AcmeOrderInputs = z.output<typeof acmeOrderInputsSchema>;

type Props = Record<string, unknown>;

/** The dns-01 record for a domain: `*.example.com` shares `_acme-challenge.example.com` with the apex. */
function recordFor(domain: string, value: string): DnsChallenge {
  return { recordName: `_acme-challenge.${domain.replace(/^\*\./, "")}`, recordType: "TXT", value, ttl: DEFAULT_CHALLENGE_TTL };
}

async function openOrder(props: Props, accountKeyPem: string): Promise<Props> {
  const inputs = parseInputs(acmeOrderInputsSchema, props);
  const progress = progressOf(props, "acme-order");
  const client = await acmeSession({
    directoryUrl: inputs.directoryUrl,
    accountKeyPem,
    ...(inputs.eab ? { eab: inputs.eab } : {}),
    ...(inputs.caCertPem ? { caCertPem: inputs.caCertPem } : {}),
  });
  let accountUrl: string;
  try {
    accountUrl = await ensureAccount(client, inputs.email);
  } catch (e) {
    throw new CodedError("AcmeRequestRefused", `ACME account registration at ${inputs.directoryUrl} failed: ${acmeErrorText(e)}${inputs.eab ? "" : " (does this CA require External Account Binding? set eab)"}`, { cause: e });
  }
  const { names } = csrNames(inputs.csrPem);
  const order = await client.createOrder({ identifiers: names.map((value) => ({ type: "dns", value })) });
  const dnsChallenges: Record<string, DnsChallenge> = {};
  for (const authz of await client.getAuthorizations(order)) {
    const domain = `${authz.wildcard ? "*." : ""}${authz.identifier.value}`.toLowerCase();
    const challenge = authz.challenges.find((c) => c.type === inputs.challengeType);
    if (!challenge) throw new CodedError("AcmeRequestRefused", `the CA offers no ${inputs.challengeType} challenge for ${domain} (offered: ${authz.challenges.map((c) => c.type).join(", ")})`);
    // Also for authorizations the CA already holds valid: the program's records stay stable.
    dnsChallenges[domain] = recordFor(domain, await client.getChallengeKeyAuthorization(challenge));
  }
  progress(`ACME order for ${names.join(", ")} opened: publish ${Object.keys(dnsChallenges).length} TXT record(s) from dnsChallenges`);
  return {
    ...props,
    accountKeyPem,
    accountUrl,
    orderUrl: order.url,
    // `status` is the name every resource uses; `orderStatus` is kept for one release (issue #17).
    status: order.status,
    orderStatus: order.status,
    expires: order.expires ?? null,
    domains: names,
    dnsChallenges,
  };
}

async function create(props: Props): Promise<{ id: string; outs: Props }> {
  const inputs = parseInputs(acmeOrderInputsSchema, props);
  const generated = inputs.accountKeyPem === undefined;
  const accountKeyPem = inputs.accountKeyPem ?? (await generateAccountKeyPem());
  const outs = await openOrder(props, accountKeyPem);
  return { id: String(outs.orderUrl), outs: { ...outs, accountKeyGenerated: generated } };
}

/** Inputs whose change means a new order (and for the account key or EAB, possibly a new account). */
function replaceKeys(olds: Props, news: Props, inputs: AcmeOrderInputs): string[] {
  const out: string[] = [];
  if (String(olds.csrPem ?? "").trim() !== inputs.csrPem.trim()) out.push("csrPem");
  if (olds.directoryUrl !== inputs.directoryUrl) out.push("directoryUrl");
  if (!sameValue(olds.eab, inputs.eab)) out.push("eab");
  // A generated key lives in state: not giving one again is not a change.
  const oldKey = olds.accountKeyGenerated === true ? undefined : olds.accountKeyPem;
  if (String(oldKey ?? "").trim() !== String(news.accountKeyPem ?? "").trim()) out.push("accountKeyPem");
  if ((olds.challengeType ?? "dns-01") !== inputs.challengeType) out.push("challengeType");
  return out;
}

/** Whether the CA says this order can no longer produce a certificate (invalid, or expired unfinished). */
async function orderIsDead(olds: Props, inputs: AcmeOrderInputs): Promise<string | undefined> {
  if (typeof olds.orderUrl !== "string" || typeof olds.accountKeyPem !== "string") return undefined;
  try {
    const client = await acmeSession({
      directoryUrl: inputs.directoryUrl,
      accountKeyPem: olds.accountKeyPem,
      ...(typeof olds.accountUrl === "string" ? { accountUrl: olds.accountUrl } : {}),
      ...(inputs.caCertPem ? { caCertPem: inputs.caCertPem } : {}),
    });
    const order = await client.getOrder(orderRef(olds.orderUrl));
    if (order.status === "invalid") return "the CA marked the order invalid (a challenge failed)";
    if (order.status !== "valid" && order.expires && Date.parse(order.expires) < Date.now()) return `the order expired at ${order.expires}`;
    return undefined;
  } catch (e) {
    const status = (e as { response?: { status?: number } }).response?.status;
    return status === 404 ? "the CA no longer knows the order" : undefined;
  }
}

async function diff(_id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
  if (hasUnknowns(news)) {
    const replaces = ["csrPem", "directoryUrl", "eab", "accountKeyPem"].filter((k) => hasUnknowns(news[k]));
    return { changes: true, replaces: replaces.length > 0 ? replaces : [] };
  }
  const inputs = parseInputs(acmeOrderInputsSchema, news);
  const replaces = replaceKeys(olds, news, inputs);
  if (replaces.length === 0) {
    const dead = await orderIsDead(olds, inputs);
    if (dead) {
      progressOf(news, "acme-order")(`${dead}: a new order will be opened`);
      replaces.push("orderUrl");
    }
  }
  const changed = replaces.length > 0 || ["email", "caCertPem"].some((k) => !sameValue(olds[k], news[k]));
  return { changes: changed, replaces };
}

async function update(_id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  // Only email/caCertPem changed: the order stays; keep its outputs.
  return { outs: { ...olds, ...news, accountKeyPem: news.accountKeyPem ?? olds.accountKeyPem } };
}

async function read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
  const inputs = acmeOrderInputsSchema.safeParse(Object.fromEntries(Object.entries(props).filter(([k]) => k in acmeOrderInputsSchema.shape && k !== "accountKeyPem")));
  if (!inputs.success || typeof props.accountKeyPem !== "string") return { id, props };
  try {
    const client = await acmeSession({
      directoryUrl: inputs.data.directoryUrl,
      accountKeyPem: props.accountKeyPem,
      ...(typeof props.accountUrl === "string" ? { accountUrl: props.accountUrl } : {}),
      ...(inputs.data.caCertPem ? { caCertPem: inputs.data.caCertPem } : {}),
    });
    const order = await client.getOrder(orderRef(id));
    return { id, props: { ...props, status: order.status, orderStatus: order.status, expires: order.expires ?? props.expires ?? null } };
  } catch {
    // The CA is unreachable or forgot the order: keep state; diff decides about a new order.
    return { id, props };
  }
}

export const acmeOrderProvider = resourceProvider(acmeOrderInputsSchema, {
  diff,
  create,
  update,
  read,
  /** Nothing to undo at the CA: an unfinished order simply expires. */
  async delete(): Promise<void> {},
});
