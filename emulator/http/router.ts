import type { IncomingMessage } from "http";

export interface ApiResponse {
  status: number;
  /** Exact media type served (negotiated) or application/problem+json. */
  contentType: string;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The media type negotiated from Accept. */
  accept: string;
  /** The request body's media type (parameters stripped), when the route takes a body. */
  contentType?: string;
  /** Parsed JSON body (unknown until the handler parses it with zod). */
  body: unknown;
}

export interface Route {
  method: string;
  /** `/cps/v2/enrollments/:enrollmentId` style; `:name` segments match `[^/]+`. */
  path: string;
  operation: string;
  /** Response media types this operation can serve (may depend on path params). */
  produces(params: Record<string, string>): readonly string[];
  /** Request media types accepted (body routes only). */
  consumes?(params: Record<string, string>): readonly string[];
  handle(ctx: RouteContext): Promise<ApiResponse> | ApiResponse;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

export function compile(route: Route): CompiledRoute {
  const keys: string[] = [];
  const source = route.path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
    keys.push(key);
    return "([^/]+)";
  });
  return { ...route, regex: new RegExp(`^${source}/?$`), keys };
}

export function match(routes: CompiledRoute[], method: string, pathname: string): { route?: CompiledRoute; params: Record<string, string>; pathMatched: boolean } {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params: Record<string, string> = {};
    route.keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1])));
    return { route, params, pathMatched };
  }
  return { params: {}, pathMatched };
}
