/**
 * Test harness for driving `@pulumi/pulumi/cmd/dynamic-provider` like the Pulumi engine does.
 * The gRPC client lives in `engine/` (the local engine uses it too); this module re-exports it
 * with the test-only helpers (serialization, installing a packed copy of the package).
 */
export {
  startDynamicProviderHost,
  resolveDynamicProviderEntry,
  ProviderCallError,
  type DynamicProviderHost,
  type DynamicProviderHostOptions,
  type ConfigureOptions,
  type CheckFailure,
  type CheckResult,
  type DiffChanges,
  type DiffResult,
  type PartialState,
  type CreateResult,
  type UpdateResult,
  type ReadResult,
  type OperationOptions,
} from "../../engine/providerHost";
export {
  SPECIAL_SIG_KEY,
  SECRET_SIG,
  UNKNOWN,
  secret,
  isSecret,
  containsSecrets,
  containsUnknowns,
  unwrapSecrets,
  unwrapSecretsInMap,
  annotateSecrets,
  toPropertyMap,
  type PropertyMap,
  type PropertyValue,
} from "../../engine/propertyValues";
export { serializeProvider, serializeProviderFromModule, type SerializeFromModuleOptions } from "./serializeProvider";
export { installPackedCopy, type PackedCopy } from "./installPackedCopy";
export { dynamicUrn } from "./urn";
