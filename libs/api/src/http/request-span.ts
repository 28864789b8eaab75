/**
 * One SERVER span per REST request, named after the matched route in
 * Discord's notation (`POST /channels/{channel.id}/messages`), child of a
 * `traceparent` the client sent. With tracing off: one boolean check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractTraceContext, SpanKind, startSpan, tracingEnabled, type HeaderCarrier } from '@chat/observability';

function requestCarrier(req: IncomingMessage): HeaderCarrier {
  return {
    get: (key) => {
      const value = req.headers[key.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
    set: () => undefined,
    keys: () => Object.keys(req.headers),
  };
}

/**
 * Runs `handle` inside the request's span; the span ends when the response
 * closes, with its status code (5xx marks it failed).
 */
export function traceRequest(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
  if (!tracingEnabled()) return handle();
  const method = (req.method ?? 'GET').toUpperCase();
  const { span, context: traced } = startSpan(method, {
    kind: SpanKind.SERVER,
    parent: extractTraceContext(requestCarrier(req)),
    attributes: { 'http.request.method': method },
  });
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(traced, handle);
}

/** `/channels/:channelId/messages` as Discord writes it: `/channels/{channel.id}/messages`. */
export function routeTemplate(pattern: string): string {
  return pattern.replace(/:([A-Za-z]+?)(Id)?(?=\/|$)/g, (_, name: string, id: string | undefined) => (id ? `{${name}.id}` : `{${name}}`));
}

/** Names the active request span after the route that matched (`POST /channels/{channel.id}/messages`). */
export function nameRequestSpan(method: string, pattern: string): void {
  if (!tracingEnabled()) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  const route = routeTemplate(pattern);
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}
