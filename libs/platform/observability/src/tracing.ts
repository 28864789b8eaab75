import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

let installed = false;

/**
 * Installs the process-wide OpenTelemetry context manager (AsyncLocalStorage)
 * and the W3C trace-context propagator, once. Without them the API is a no-op
 * and trace context would not follow a request across awaits or services.
 * A tracer provider (exporter) is added by whoever wants spans exported.
 */
export function installTracePropagation(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/** A carrier is anything with string headers: gRPC metadata, Kafka headers, HTTP headers. */
export interface HeaderCarrier {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  keys(): string[];
}

const getter: TextMapGetter<HeaderCarrier> = {
  get: (carrier, key) => carrier.get(key),
  keys: (carrier) => carrier.keys(),
};

const setter: TextMapSetter<HeaderCarrier> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

/** Writes the active trace context (traceparent, tracestate) into a carrier. */
export function injectTraceContext(carrier: HeaderCarrier, from: Context = context.active()): void {
  propagation.inject(from, carrier, setter);
}

/** Reads trace context from a carrier into a Context to run the handler in. */
export function extractTraceContext(carrier: HeaderCarrier, into: Context = context.active()): Context {
  return propagation.extract(into, carrier, getter);
}
