/**
 * A small method + path-pattern router. Patterns use `:name` segments
 * (`/channels/:channelId/messages/:messageId`); a path matching a pattern
 * under another method answers 405 rather than 404, as Discord does.
 */

/** HTTP methods the API serves. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A route: where it listens and what it carries (handler, rate-limit bucket, auth mode). */
export interface Route<H> {
  method: HttpMethod;
  pattern: string;
  value: H;
}

/** The result of a lookup. */
export type RouteMatch<H> =
  | { kind: 'found'; route: Route<H>; params: Record<string, string> }
  | { kind: 'method_not_allowed' }
  | { kind: 'not_found' };

interface CompiledRoute<H> {
  route: Route<H>;
  segments: string[];
}

/** Holds routes and matches request paths against them, in the order added (literals should come before params). */
export class Router<H> {
  private readonly routes: CompiledRoute<H>[] = [];

  /** Adds a route. */
  add(method: HttpMethod, pattern: string, value: H): this {
    this.routes.push({ route: { method, pattern, value }, segments: split(pattern) });
    return this;
  }

  /** Finds the route for `method` and `path` (path without the /api/vN prefix and without the query). */
  match(method: string, path: string): RouteMatch<H> {
    const segments = split(path);
    let pathMatched = false;
    for (const compiled of this.routes) {
      const params = matchSegments(compiled.segments, segments);
      if (!params) continue;
      if (compiled.route.method === method) return { kind: 'found', route: compiled.route, params };
      pathMatched = true;
    }
    return pathMatched ? { kind: 'method_not_allowed' } : { kind: 'not_found' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as string;
    const given = actual[i] as string;
    if (expected.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(given);
      } catch {
        return undefined;
      }
      params[expected.slice(1)] = decoded;
    } else if (expected !== given) {
      return undefined;
    }
  }
  return params;
}
