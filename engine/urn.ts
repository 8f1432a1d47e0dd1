/** Pulumi URNs: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function makeUrn(stack: string, project: string, type: string, name: string, parentUrn?: string): string {
  let qualifiedType = type;
  // A child's type is qualified by its parent's, except below the stack (the engine's rule).
  if (parentUrn) {
    const parentType = qualifiedTypeOf(parentUrn);
    if (parentType !== "pulumi:pulumi:Stack") qualifiedType = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

function qualifiedTypeOf(urn: string): string {
  return urn.split("::")[2] ?? "";
}

export function nameOfUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

export function isDynamicType(type: string): boolean {
  return type.startsWith("pulumi-nodejs:dynamic");
}

export const STACK_TYPE = "pulumi:pulumi:Stack";
