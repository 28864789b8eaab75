/**
 * Discord's published OpenAPI description (third_party/discord-api-spec, MIT)
 * matched against the routes the API serves: an operation is implemented
 * when a route has its method and its path with every parameter in the same
 * place (`/channels/{channel_id}` is `/channels/:channelId`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RestRouteEntry } from '@chat/api';

/** Path of the copy kept in the repository. */
export const DISCORD_OPENAPI_PATH = fileURLToPath(new URL('../../../../third_party/discord-api-spec/openapi.json', import.meta.url));

/** One operation of the spec. */
export interface SpecOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly tags: readonly string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of the spec, in its order. */
export function specOperations(path = DISCORD_OPENAPI_PATH): SpecOperation[] {
  const spec = JSON.parse(readFileSync(path, 'utf8')) as { paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> };
  const out: SpecOperation[] = [];
  for (const [specPath, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation?.operationId) out.push({ operationId: operation.operationId, method: method.toUpperCase(), path: specPath, tags: operation.tags ?? [] });
    }
  }
  return out;
}

/** A path with every parameter replaced by `{}`, for either notation. */
const shapeOf = (path: string): string => path.replace(/\{[^}]+\}|:[A-Za-z]\w*/g, '{}').replace(/\/+$/, '');

/** The operations of the spec the routes implement, and the routes no operation describes. */
export function implementedOperations(routes: readonly RestRouteEntry[], operations = specOperations()): { implemented: SpecOperation[]; unmatchedRoutes: RestRouteEntry[] } {
  const served = new Set(routes.map((route) => `${route.method} ${shapeOf(route.pattern)}`));
  const described = new Set(operations.map((operation) => `${operation.method} ${shapeOf(operation.path)}`));
  return {
    implemented: operations.filter((operation) => served.has(`${operation.method} ${shapeOf(operation.path)}`)),
    unmatchedRoutes: routes.filter((route) => !described.has(`${route.method} ${shapeOf(route.pattern)}`)),
  };
}
