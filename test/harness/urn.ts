/** The URN the engine gives a dynamic resource: `urn:pulumi:<stack>::<project>::pulumi-nodejs:dynamic[/<module>]:<type>::<name>`. */
export function dynamicUrn(name: string, options: { type?: string; module?: string; stack?: string; project?: string } = {}): string {
  const token = `pulumi-nodejs:dynamic${options.module ? `/${options.module}` : ""}:${options.type ?? "Resource"}`;
  return `urn:pulumi:${options.stack ?? "test"}::${options.project ?? "test"}::${token}::${name}`;
}
