/**
 * The REST API as one Node request handler, on Fastify: /api/v9/*, /api/v10/*
 * (and /api/* unversioned), Discord's error bodies, authentication, rate
 * limits with X-RateLimit-* headers, then the route's handler. Fastify's
 * radix-tree router (find-my-way) matches literal segments before
 * parameters, so /channels/{id}/messages/pins never reaches the
 * /channels/{id}/messages/{message.id} route.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { tracingEnabled } from '@chat/observability';
import { SnowflakeGenerator } from '@chat/snowflake';
import { DiscordErrors, RestError, toRestError } from './errors';
import { DEFAULT_BODY_LIMIT_BYTES, parseJsonBody } from './http/json-body';
import { nameRequestSpan, traceRequest } from './http/request-span';
import { authenticate } from './auth';
import { DEFAULT_RATE_LIMITS, RateLimiter } from './rate-limiter';
import { SlowmodeTracker } from './slowmode';
import { DEFAULT_UPLOAD_LIMITS, type RestDeps } from './rest-deps';
import { CdnSigner } from './attachments/cdn-signing';
import { multipartBoundary, MultipartError, parseMultipart, type UploadedFile } from './attachments/multipart';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition, RouteResult } from './route-context';
import { INTERACTION_RESPONSE_DEADLINE_MS } from './interactions/delivery';
import { allRoutes } from './routes/all.routes';
import { endDuePolls, type PollEndingResult } from './polls/poll-end';
import { SEARCH_UNAVAILABLE } from './routes/search.routes';

/** A Node HTTP handler. */
export type RestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Work the API does on its own, on a timer its module runs. */
export interface RestJobs {
  /** Ends the polls that ran out (posting their result notices), looking back `lookBackMs` for due ones. */
  endDuePolls(now: number, lookBackMs: number): Promise<PollEndingResult>;
}

/** /api/v9/x and /api/v10/x are served as /api/x. */
const VERSION_PREFIX = /^\/api\/v(?:9|10)(?=[/?]|$)/;
const BODY_METHODS = new Set<string>(['POST', 'PUT', 'PATCH']);

/**
 * `@` percent-encoded in the path (`/messages/%40original`, `/users/%40me`:
 * @discordjs/rest encodes it) made plain, so the literal route matches as it
 * does on Discord. Only the path; the query is left alone.
 */
function literalAt(url: string): string {
  if (!url.includes('%40')) return url;
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.replaceAll('%40', '@') + (query === -1 ? '' : url.slice(query));
}
const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Creates the REST API handler (ready for requests at once; the first ones wait for Fastify to boot). */
export function createRestApi(deps: RestDeps): RestHandler & RestJobs {
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
    interactionDeadlineMs: deps.interactionDeadlineMs ?? INTERACTION_RESPONSE_DEADLINE_MS,
    logger: deps.logger ?? { warn: () => undefined, error: () => undefined },
    slowmode: new SlowmodeTracker(),
    objects: deps.objects,
    cdn: deps.cdn,
    uploads: deps.uploads ?? DEFAULT_UPLOAD_LIMITS,
    signer: new CdnSigner(deps.cdn.secret),
  };
  const app = buildApp(resolved);
  let routing: RestHandler | undefined;
  const ready = app.ready().then(() => {
    routing = app.routing as RestHandler;
  });
  const fail = (res: ServerResponse, error: unknown) => {
    resolved.logger.error({ err: error }, 'REST handler failed');
    if (!res.headersSent) writeJson(res, 500, new RestError(500, 0, '500: Internal Server Error').toBody());
    else res.destroy();
  };
  const route = (req: IncomingMessage, res: ServerResponse): void => {
    if (routing) routing(req, res);
    else ready.then(() => routing!(req, res), (error: unknown) => fail(res, error));
  };
  // Traced: the request's span stays current until the response closes, so every span the route starts is its child.
  const traced = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise<void>((resolve) => {
      res.once('close', resolve);
      route(req, res);
    });
  const handle: RestHandler = (req, res) => {
    if (!tracingEnabled()) route(req, res);
    else traceRequest(req, res, () => traced(req, res)).catch((error: unknown) => fail(res, error));
  };
  return Object.assign(handle, { endDuePolls: (now: number, lookBackMs: number) => endDuePolls(resolved, now, lookBackMs) });
}

function buildApp(deps: ResolvedDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimitBytes,
    // The API is mounted on the process's shared HTTP server; Fastify never listens itself.
    serverFactory: (handler) => createServer(handler),
    rewriteUrl: (req) => literalAt((req.url ?? '/').replace(VERSION_PREFIX, '/api')),
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, querystringParser: (query: string) => new URLSearchParams(query) as unknown as Record<string, string> },
    // A URL Fastify cannot decode is the client's error, answered as Discord's edge would.
    frameworkErrors: (_error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      sendJson(reply, 400, { message: '400: Bad Request', code: 0 });
    },
  });
  // The body is read as bytes whatever its type; routes parse it (JSON today, multipart later) so errors are Discord's.
  app.removeAllContentTypeParsers();
  const asBytes = (_request: FastifyRequest, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => done(null, body);
  // application/json by name as well as the catch-all: Fastify caches the parser of an exact type, while every
  // request that falls through to '*' has its content type parsed again (a measurable share of the message path).
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, asBytes);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, asBytes);
  // Uploads have their own, larger limit (files are read whole, up to it).
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: deps.uploads.requestBytes }, asBytes);

  const limiter = new RateLimiter(deps.rateLimits, deps.clock);
  const known = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  for (const [method, pattern, definition] of allRoutes()) {
    known.on(method, `/api${pattern}`, () => undefined);
    app.route({ method, url: `/api${pattern}`, handler: (request, reply) => serveRoute(deps, limiter, method, pattern, definition, request, reply) });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
    const otherMethod = METHODS.some((method) => method !== request.method && known.find(method, path) !== null);
    return sendError(reply, otherMethod ? DiscordErrors.methodNotAllowed() : DiscordErrors.notFound());
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, isMultipart(request) ? DiscordErrors.entityTooLarge() : DiscordErrors.payloadTooLarge());
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, new RestError(error.statusCode, 0, `${error.statusCode}: ${error.message}`));
    }
    const restError = toRestError(error);
    if (restError.status >= 500) deps.logger.error({ err: error, route: request.routeOptions.url }, 'REST route failed');
    return sendError(reply, restError);
  });
  return app;
}

async function serveRoute(
  deps: ResolvedDeps,
  limiter: RateLimiter,
  method: HttpMethod,
  pattern: string,
  definition: RouteDefinition,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  nameRequestSpan(method, pattern);
  const params = request.params as Record<string, string>;
  let caller: Caller | undefined;
  if (definition.auth !== 'none') caller = await authenticate(request.raw, deps.store.users);
  if (definition.auth === 'required' && !caller) throw DiscordErrors.unauthorized();
  if (definition.auth === 'required' && definition.callers !== undefined) checkCallerKind(definition.callers, caller!);
  const callerKey = caller ? `u:${caller.user.id}` : `ip:${request.raw.socket.remoteAddress ?? 'unknown'}`;
  const major = definition.major ? (params[definition.major] ?? '') : '';
  const decision = limiter.check(definition.bucket, major, callerKey);
  if (!decision.allowed) {
    return sendJson(reply, 429, { message: 'You are being rate limited.', retry_after: Number(decision.retryAfterSeconds.toFixed(3)), global: decision.global }, decision.headers);
  }
  // The rate-limit headers go on every answer from here, errors included (the error handler writes the same response).
  for (const name in decision.headers) reply.raw.setHeader(name, decision.headers[name]!);
  const { body, files } = BODY_METHODS.has(method) ? readBody(request, definition.uploads === true) : { body: {}, files: [] };
  const ctx = { deps, req: request.raw, params, query: request.query as URLSearchParams, body, files, caller };
  const result: RouteResult = definition.auth === 'required' ? await definition.handler({ ...ctx, caller: caller as Caller }) : await definition.handler(ctx);
  return sendJson(reply, result.status, result.body);
}

const isMultipart = (request: FastifyRequest) => /^multipart\/form-data/i.test(request.headers['content-type'] ?? '');

/**
 * The body as a route takes it: JSON, or a multipart form's `payload_json`
 * (Discord's way) and its files; without payload_json, the form's fields
 * as strings (sticker uploads).
 */
function readBody(request: FastifyRequest, takesUploads: boolean): { body: unknown; files: UploadedFile[] } {
  const bytes = request.body as Buffer | undefined;
  let boundary: string | undefined;
  try {
    boundary = multipartBoundary(request.headers['content-type']);
    if (boundary === undefined) return { body: parseJsonBody(bytes), files: [] };
    const form = parseMultipart(bytes ?? Buffer.alloc(0), boundary);
    if (form.files.length > 0 && !takesUploads) throw DiscordErrors.invalidField('files', 'ATTACHMENT_NOT_ALLOWED', 'This endpoint does not take files');
    const payload = form.fields.get('payload_json');
    const body = payload !== undefined ? parseJsonBody(Buffer.from(payload)) : Object.fromEntries(form.fields);
    return { body, files: form.files };
  } catch (error) {
    if (error instanceof MultipartError) throw DiscordErrors.malformedMultipart(error.message);
    throw error;
  }
}

/**
 * Sends `body` as JSON with `status`; a 204 or a missing body sends no
 * content. The answer is serialised once and written in one call on the raw
 * response (headers and body together): Fastify's send would parse the
 * content type back and write headers and body apart, which the message
 * path measurably paid for (bench rest-path).
 */
function sendJson(reply: FastifyReply, status: number, body: unknown, headers?: Readonly<Record<string, string>>): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  if (res.headersSent) return reply;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status);
    res.end();
    return reply;
  }
  writeJson(res, status, body);
  return reply;
}

function sendError(reply: FastifyReply, error: RestError): FastifyReply {
  return sendJson(reply, error.status, error.toBody());
}

/** Ends a raw response with `body` as JSON: headers and body in one write. */
function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A route for one kind of token refuses the other (Discord's 20001 / 20002). */
function checkCallerKind(callers: 'users' | 'bots', caller: Caller): void {
  if (callers === 'users' && caller.kind === 'bot') throw DiscordErrors.botsCannotUse();
  if (callers === 'bots' && caller.kind !== 'bot') throw DiscordErrors.onlyBotsCanUse();
}
