/** Content negotiation on Akamai's exact versioned media types; media-type parameters are ignored. */

export const CPS = (entity: string, version: number): string => `application/vnd.akamai.cps.${entity}.v${version}+json`;

export function bareType(value: string): string {
  return value.split(";")[0].trim().toLowerCase();
}

/**
 * The supported type the client asked for, honouring q-values; `undefined` when nothing matches.
 * Wildcards do not match: CPS maps a request to a resource only through an exact versioned type.
 */
export function negotiate(accept: string | undefined, supported: readonly string[]): string | undefined {
  if (!accept) return undefined;
  const offers = accept
    .split(",")
    .map((part, index) => {
      const [type, ...params] = part.split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { type: type.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((o) => o.q > 0 && supported.includes(o.type))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return offers[0]?.type;
}

/** Parses `application/vnd.akamai.cps.<entity>.v<N>+json`. */
export function parseCpsType(type: string): { entity: string; version: number } | undefined {
  const m = /^application\/vnd\.akamai\.cps\.([a-z-]+)\.v(\d+)\+json$/.exec(type);
  return m ? { entity: m[1], version: Number(m[2]) } : undefined;
}
