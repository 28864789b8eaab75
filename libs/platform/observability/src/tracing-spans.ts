import { context, INVALID_SPAN_CONTEXT, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** The instrumentation scope of every span the project makes. */
const TRACER_NAME = '@chat/observability';

let enabled = false;

/** What `fn` gets when tracing is off: records nothing. */
const NOOP_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Set by the tracer provider's install and shutdown. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Whether a tracer provider is installed. Hot paths check it before doing
 * any span work (attributes, counters, context extraction), so that with
 * tracing off they pay one boolean read.
 */
export function tracingEnabled(): boolean {
  return enabled;
}

/** What a span is: its kind, attributes, and parent (default: the active context). */
export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent context; default the active one. */
  parent?: Context;
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs `fn` inside a new span (active for everything `fn` awaits and calls)
 * and ends the span when `fn`'s promise settles; a rejection marks the span
 * as failed and is passed on. With tracing off, `fn` runs with a no-op span.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  if (!enabled) return fn(NOOP_SPAN);
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      fail(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Like {@link withSpan} for synchronous work. */
export function withSpanSync<T>(name: string, options: SpanOptions, fn: (span: Span) => T): T {
  if (!enabled) return fn(NOOP_SPAN);
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    fail(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts a span the caller ends (for callback-shaped work such as an HTTP
 * response's 'finish'); returns it with the context to run the work in.
 */
export function startSpan(name: string, options: SpanOptions): { span: Span; context: Context } {
  const parent = options.parent ?? context.active();
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends a span with an error status and the error recorded. */
export function endSpanWithError(span: Span, error: unknown): void {
  fail(span, error);
  span.end();
}

/** The W3C `traceparent` of a context's span (default: the active one), or undefined when there is none. */
export function traceparentOf(from: Context = context.active()): string | undefined {
  if (!trace.getSpanContext(from)) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier['traceparent'];
}

/** A context whose remote parent is the span a `traceparent` names (the active context when undefined). */
export function contextOfTraceparent(traceparent: string | undefined, into: Context = context.active()): Context {
  if (traceparent === undefined) return into;
  return propagation.extract(into, { traceparent });
}

export { SpanKind, type Span };
