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
export class CodedError extends Error {
  override readonly name: string = "CodedError";
  readonly code: string;
  constructor(code: string, message: string, troubleshootingAnchor: string, options?: ErrorOptions) {
    super(`${message} [${code}, see docs/troubleshooting.md#${troubleshootingAnchor}]`, options);
    this.code = code;
    this.stack = "the message is shown with the failed step";
  }

  override toString(): string {
    return `error ${this.code}`;
  }
}
