/** Moved to the client layer so that every layer throws the same base class (provider/cps/coded-error.ts). */
export { CodedError, ERROR_CODES, FORMER_CODES, codeOf, plainMessage, troubleshootingLink, type ErrorCode } from "../cps/coded-error";
