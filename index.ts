/**
 * pulumi-akamai-cps: Pulumi resources for Akamai CPS certificates.
 *
 * The public surface is the SDK (resource classes and their Args types); the provider
 * implementation under `provider/` is loaded lazily by the dynamic-provider host.
 */
export * from "./sdk";
