/**
 * One serializable provider shim per resource type, created once per process: the SDK caches the
 * serialized text per provider object, so every resource of a type shares one `__provider` text.
 */
import { lazyProvider } from "./lazy-provider";

export const enrollmentShim = lazyProvider("enrollment", "enrollmentProvider");
export const dvValidationShim = lazyProvider("dv-validation", "dvValidationProvider");
export const deploymentShim = lazyProvider("deployment", "deploymentProvider");
export const edgeDnsTxtRecordShim = lazyProvider("edge-dns-txt-record", "edgeDnsTxtRecordProvider");
export const secureEdgeHostnameShim = lazyProvider("secure-edge-hostname", "secureEdgeHostnameProvider");
export const edgeDnsCnameRecordShim = lazyProvider("edge-dns-cname-record", "edgeDnsCnameRecordProvider");
