/**
 * The REST API's routes as data (method and path pattern, nothing else), so
 * tools outside the handler can see what the API serves: the spec
 * conformance runs pick the operations of Discord's OpenAPI description that
 * are implemented from this list.
 */
import { allRoutes } from './routes/all.routes';

/** One route the API serves: `pattern` in the router's `:name` form, relative to /api/v10. */
export interface RestRouteEntry {
  readonly method: string;
  readonly pattern: string;
}

/** Every route of the API, in match order. */
export function restRouteTable(): RestRouteEntry[] {
  return allRoutes().map(([method, pattern]) => ({ method, pattern }));
}

/** The rate-limit bucket names the routes use. */
export function restBuckets(): Set<string> {
  return new Set(allRoutes().map(([, , definition]) => definition.bucket));
}
