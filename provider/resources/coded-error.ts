/** Moved to the client layer so that every layer throws the same base class (provider/cps/coded-error.ts). */
export { CodedError } from "../cps/coded-error";
