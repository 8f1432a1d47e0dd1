/**
 * The one base class of the errors this provider throws: a stable `code` (to search for, or to
 * match in automation) and the section of docs/troubleshooting.md that explains it, at the end of
 * the message so that the first line still says what happened.
 *
 * @pulumi/pulumi's dynamic-provider host prints a failed check/diff/read/delete to stderr as
 * `${error}: ${error.stack}` before the engine shows the error's message with the failed step
 * (cmd/dynamic-provider/index.js): with a plain Error the user reads the message three times, once
 * with a stack trace that means nothing to them. These errors print their code there instead.
 */

/**
 * Every code, and the heading of docs/troubleshooting.md that explains it (GitHub's anchor of the
 * heading). One table, so a code cannot point to a section that does not exist
 * (test/resources/troubleshooting-anchors.test.ts checks each anchor against the guide). Codes are
 * stable: rename one only with a "formerly …" note in the guide.
 */
export const ERROR_CODES = {
  BadInput: "bad-input",
  PendingChangeWouldBeCancelled: "pending-change",
  WarningsRefused: "warnings-refused",
  ChangeManagementRequired: "change-management",
  ValidationFailed: "validation-failed",
  DnsNotPropagated: "dns-propagation",
  WaitTimedOut: "timeouts",
  ChangeFailed: "change-failed",
  ChangeCancelled: "change-failed",
  EnrollmentDeleted: "enrollment-deleted",
  DuplicateCommonName: "duplicate-common-name",
  ClockSkew: "clock-skew",
  ProviderSettingInvalid: "provider-settings",
  RateLimited: "rate-limits",
  CredentialsMissing: "credentials",
  CredentialsInvalid: "credentials",
  CredentialsSentUnverified: "credentials-sent-unverified",
  UntrustedCa: "untrusted-ca",
  DeploymentWindowAfterTimeout: "deployment-window",
  Unreachable: "unreachable",
  TlsCheckFailed: "tls-check",
  DeleteRefusedWhileDeployed: "delete-refused",
  DeployedCertificateMismatch: "deployed-certificate-mismatch",
  NotOnNetworkYet: "not-on-the-network-yet",
  ServerError: "cps-answers-5xx-or-drops-connections",
  RequestRefused: "request-refused",
  UnexpectedResponse: "unexpected-answer",
  EdgeHostnameExists: "edge-hostname-already-exists",
  EdgeHostnameInUse: "edge-hostname-in-use",
  EdgeHostnameWaitsForCertificate: "edge-hostname-waits-for-the-certificate",
  AnotherEnrollmentHasCommonName: "another-enrollment-has-this-common-name",
  CreationThrottled: "creation-throttle",
  NoChangeForUpload: "third-party-upload-refused",
  UploadRefused: "third-party-upload-refused",
  AcmeCaUnreachable: "acme-ca-errors",
  AcmeRequestRefused: "acme-ca-errors",
  AcmeValidationFailed: "acme-ca-errors",
  AcmeOrderInvalid: "acme-ca-errors",
  AcmeCertificateInvalid: "acme-ca-errors",
  Unexpected: "other-errors",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes that earlier releases printed, and the code that replaced each; docs/troubleshooting.md
 * keeps the old text next to the new one for a release, so searches and scripts still find it.
 */
export const FORMER_CODES: Readonly<Record<string, ErrorCode>> = {
  CPS_RATE_LIMIT_TIMEOUT: "RateLimited",
  CPS_DELETE_REFUSED_LIVE_ON_PRODUCTION: "DeleteRefusedWhileDeployed",
  CPS_DEPLOYED_CERTIFICATE_MISMATCH: "DeployedCertificateMismatch",
  CPS_DEPLOYMENT_WINDOW_AFTER_TIMEOUT: "DeploymentWindowAfterTimeout",
};

export function troubleshootingLink(code: ErrorCode): string {
  return `docs/troubleshooting.md#${ERROR_CODES[code]}`;
}

/** ` [Code, see docs/troubleshooting.md#<anchor>]`, or ` [Code]` when the text links the section already. */
function pointer(code: ErrorCode, text: string): string {
  return text.includes(troubleshootingLink(code)) ? ` [${code}]` : ` [${code}, see ${troubleshootingLink(code)}]`;
}

export class CodedError extends Error {
  override readonly name: string = "CodedError";
  readonly code: ErrorCode;
  /** The message without the trailing pointer. */
  private text: string;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message + pointer(code, message), options);
    this.code = code;
    this.text = message;
    // Code that adds to a message (`e.message += " (after 3 attempts)"`, a hint) keeps the pointer
    // last: an assigned message loses the old pointer and gets it appended again.
    Object.defineProperty(this, "message", {
      configurable: true,
      enumerable: false,
      get: (): string => this.text + pointer(this.code, this.text),
      set: (value: string) => {
        this.text = value.replace(` [${this.code}, see ${troubleshootingLink(this.code)}]`, "").replace(` [${this.code}]`, "");
      },
    });
    // With PULUMI_AKAMAI_CPS_DEBUG set (the same switch as the client's debug log), the real stack is
    // kept for whoever debugs the provider itself.
    if (!process.env.PULUMI_AKAMAI_CPS_DEBUG) this.stack = "the message is shown with the failed step";
  }

  /** The message without the pointer, for embedding in another message or a progress line. */
  get plainMessage(): string {
    return this.text;
  }

  override toString(): string {
    return `error ${this.code}`;
  }
}

/** An error's message for embedding in another text: without a coded error's pointer. */
export function plainMessage(e: unknown): string {
  if (e instanceof CodedError) return e.plainMessage;
  return e instanceof Error ? e.message : String(e);
}

/** The code of an error, `Unexpected` for one that is not a CodedError (a library's, a bug). */
export function codeOf(e: unknown): ErrorCode {
  return e instanceof CodedError ? e.code : "Unexpected";
}
