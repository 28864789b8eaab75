/**
 * The REST API as one Node request handler: /api/v9/* and /api/v10/* (and
 * /api/* unversioned), Discord's error bodies, authentication, rate limits
 * with X-RateLimit-* headers, then the route's handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SnowflakeGenerator } from '@chat/snowflake';
import { parseRequestTarget } from '../request-target';
import { DiscordErrors, RestError, toRestError } from './errors';
import { DEFAULT_BODY_LIMIT_BYTES, readJsonBody } from './http/json-body';
import { sendError, sendJson } from './http/respond';
import { Router, type HttpMethod } from './http/router';
import { nameRequestSpan, traceRequest } from './http/request-span';
import { authenticate } from './auth';
import { DEFAULT_RATE_LIMITS, RateLimiter } from './rate-limiter';
import { SlowmodeTracker } from './slowmode';
import type { RestDeps } from './rest-deps';
import type { Caller, ResolvedDeps, RouteDefinition } from './route-context';
import { allRoutes } from './routes/all.routes';
import { SEARCH_UNAVAILABLE } from './routes/search.routes';

/** A Node HTTP handler. */
export type RestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const API_PREFIX = /^\/api(?:\/v(9|10))?(?=\/|$)/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** True when the path belongs to the REST API (so a shared HTTP server can route to it). */
export function isRestPath(path: string): boolean {
  return API_PREFIX.test(path);
}

/** Creates the REST API handler. */
export function createRestApi(deps: RestDeps): RestHandler {
  const clock = deps.clock ?? Date.now;
  const generator = new SnowflakeGenerator({ workerId: 0, processId: 0, clock });
  const resolved: ResolvedDeps = {
    store: deps.store,
    messages: deps.messages,
    publishGuildEvent: deps.publishGuildEvent,
    dispatchToUsers: deps.dispatchToUsers,
    search: deps.search ?? SEARCH_UNAVAILABLE,
    attachUserToGuild: deps.attachUserToGuild,
    readStates: deps.readStates,
    voice: deps.voice,
    gatewayUrl: deps.gatewayUrl,
    rateLimits: deps.rateLimits ?? DEFAULT_RATE_LIMITS,
    clock,
    nextId: deps.nextId ?? (() => generator.next()),
    bodyLimitBytes: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    logger: deps.logger ?? { warn: () => undefined, error: () => undefined },
    slowmode: new SlowmodeTracker(),
  };
  const router = new Router<RouteDefinition>();
  for (const [method, pattern, definition] of allRoutes()) router.add(method, pattern, definition);
  const limiter = new RateLimiter(resolved.rateLimits, clock);

  return (req, res) => {
    traceRequest(req, res, () => handle(req, res)).catch((error: unknown) => {
      resolved.logger.error({ err: error }, 'REST handler failed');
      if (!res.headersSent) sendError(res, new RestError(500, 0, '500: Internal Server Error'));
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = parseRequestTarget(req.url);
    const prefix = API_PREFIX.exec(target.path);
    if (!prefix) return sendError(res, DiscordErrors.notFound());
    const path = target.path.slice(prefix[0].length) || '/';
    const match = router.match((req.method ?? 'GET').toUpperCase(), path);
    if (match.kind === 'not_found') return drainThen(req, () => sendError(res, DiscordErrors.notFound()));
    if (match.kind === 'method_not_allowed') return drainThen(req, () => sendError(res, DiscordErrors.methodNotAllowed()));
    const definition = match.route.value;
    nameRequestSpan(match.route.method, match.route.pattern);
    try {
      let caller: Caller | undefined;
      if (definition.auth !== 'none') caller = await authenticate(req, resolved.store.users);
      if (definition.auth === 'required' && !caller) throw DiscordErrors.unauthorized();
      if (definition.auth === 'required' && definition.callers !== undefined) checkCallerKind(definition.callers, caller!);
      const callerKey = caller ? `u:${caller.user.id}` : `ip:${req.socket.remoteAddress ?? 'unknown'}`;
      const major = definition.major ? (match.params[definition.major] ?? '') : '';
      const decision = limiter.check(definition.bucket, major, callerKey);
      for (const [name, value] of Object.entries(decision.headers)) res.setHeader(name, value);
      if (!decision.allowed) {
        req.resume();
        return sendJson(res, 429, { message: 'You are being rate limited.', retry_after: Number(decision.retryAfterSeconds.toFixed(3)), global: decision.global });
      }
      const body = BODY_METHODS.has(match.route.method as HttpMethod) ? await readJsonBody(req, resolved.bodyLimitBytes) : (req.resume(), {});
      const ctx = { deps: resolved, req, params: match.params, query: target.query, body, caller };
      const result = definition.auth === 'required' ? await definition.handler({ ...ctx, caller: caller as Caller }) : await definition.handler(ctx);
      sendJson(res, result.status, result.body);
    } catch (error) {
      const restError = toRestError(error);
      if (restError.status >= 500) resolved.logger.error({ err: error, route: match.route.pattern }, 'REST route failed');
      req.resume();
      sendError(res, restError);
    }
  }
}

function drainThen(req: IncomingMessage, answer: () => void): void {
  req.resume();
  answer();
}

/** A route for one kind of token refuses the other (Discord's 20001 / 20002). */
function checkCallerKind(callers: 'users' | 'bots', caller: Caller): void {
  if (callers === 'users' && caller.kind === 'bot') throw DiscordErrors.botsCannotUse();
  if (callers === 'bots' && caller.kind !== 'bot') throw DiscordErrors.onlyBotsCanUse();
}
