/**
 * Property values as they travel between the Pulumi engine and a provider: JSON inside a protobuf
 * `Struct`, with two sentinels the engine uses on the wire (secrets and unknowns).
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** A JSON value, the only thing a protobuf `Struct` can carry. */
export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };
/** The properties of one resource (inputs or outputs). */
export type PropertyMap = { [key: string]: PropertyValue };

/** The key whose value identifies a special object (`rpc.specialSigKey` in the SDK). */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The signature of a secret (`rpc.specialSecretSig` in the SDK). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The string the engine sends in place of a value not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Wraps a value the way the engine marks a secret on the wire. */
export function secret(value: PropertyValue): PropertyMap {
  return { [SPECIAL_SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: PropertyValue | undefined): boolean {
  return secretContents(value) !== undefined;
}

/** The value inside a secret wrapper, or undefined if `value` is not a secret. */
function secretContents(value: PropertyValue | undefined): { value: PropertyValue } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value[SPECIAL_SIG_KEY] !== SECRET_SIG) return undefined;
  return { value: value.value ?? null };
}

/** True if the value or anything inside it is a secret. */
export function containsSecrets(value: PropertyValue | undefined): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecrets);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecrets);
  return false;
}

/** Removes every secret wrapper, keeping the plain values (what the engine sends to a provider that does not accept secrets). */
export function unwrapSecrets(value: PropertyValue): PropertyValue {
  const inner = secretContents(value);
  if (inner) return unwrapSecrets(inner.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) return unwrapSecretsInMap(value);
  return value;
}

export function unwrapSecretsInMap(map: PropertyMap): PropertyMap {
  const result: PropertyMap = {};
  for (const [key, value] of Object.entries(map)) result[key] = unwrapSecrets(value);
  return result;
}

/** True if the value or anything inside it is the unknown sentinel. */
export function containsUnknowns(value: PropertyValue | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknowns);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsUnknowns);
  return false;
}

/**
 * The engine's `annotateSecrets`: an output whose input of the same name was secret becomes secret,
 * because a provider that does not accept secrets returns them in plain text.
 */
export function annotateSecrets(outputs: PropertyMap, inputs: PropertyMap): PropertyMap {
  const result: PropertyMap = { ...outputs };
  for (const [key, input] of Object.entries(inputs)) {
    const output = result[key];
    if (output !== undefined && containsSecrets(input) && !containsSecrets(output)) result[key] = secret(output);
  }
  return result;
}

/** Drops `undefined` (which a `Struct` cannot hold), recursively, like the engine drops absent properties. */
export function toPropertyValue(value: unknown): PropertyValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toPropertyValue(item)));
  if (typeof value === "object") {
    const result: PropertyMap = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) result[key] = toPropertyValue(item);
    }
    return result;
  }
  throw new TypeError(`cannot send a ${typeof value} as a property value`);
}

export function toPropertyMap(value: unknown): PropertyMap {
  const converted = toPropertyValue(value ?? {});
  if (typeof converted !== "object" || converted === null || Array.isArray(converted)) {
    throw new TypeError("properties must be an object");
  }
  return converted;
}

export function toStruct(map: PropertyMap): Struct {
  return Struct.fromJavaScript(map);
}

export function fromStruct(struct: Struct | undefined): PropertyMap {
  return struct ? toPropertyMap(struct.toJavaScript()) : {};
}
