export { Enrollment } from "./enrollment";
export type { EnrollmentArgs } from "./enrollment";
export { DvValidation } from "./dv-validation";
export type { DvValidationArgs } from "./dv-validation";
export { Deployment } from "./deployment";
export type { DeploymentArgs } from "./deployment";
export type * from "./types";
export { EdgeDnsTxtRecord } from "./edge-dns-txt-record";
export type { EdgeDnsTxtRecordArgs } from "./edge-dns-txt-record";
