import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { installTracePropagation } from './tracing';
import { setTracingEnabled } from './tracing-spans';

/** Where spans go: nowhere (the default), an OTLP/HTTP collector, or stdout. */
export type TraceExporterKind = 'none' | 'otlp' | 'console';

/** The exporter kinds CHAT_OTEL_EXPORTER accepts. */
export const TRACE_EXPORTER_KINDS = ['none', 'otlp', 'console'] as const satisfies readonly TraceExporterKind[];

/** An installed tracer provider. */
export interface TracingHandle {
  /** Exports what is buffered (OTLP batches), then stops exporting. Safe to call twice. */
  shutdown(): Promise<void>;
}

/** Options of {@link installTracing}. */
export interface TracingOptions {
  exporter: TraceExporterKind;
  /** `service.name` of every span (Jaeger's service list). */
  serviceName: string;
  /** `service.instance.id`, the node id. */
  nodeId: string;
  /**
   * OTLP/HTTP traces URL; default: the exporter's own reading of
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT
   * (else http://localhost:4318/v1/traces).
   */
  otlpUrl?: string;
}

let current: BasicTracerProvider | undefined;

function register(processor: SpanProcessor, serviceName: string, nodeId: string): TracingHandle {
  installTracePropagation();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.instance.id': nodeId }),
    spanProcessors: [processor],
  });
  // A second install (tests, two servers in one process) replaces the first.
  if (current) trace.disable();
  trace.setGlobalTracerProvider(provider);
  current = provider;
  setTracingEnabled(true);
  let stopped: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopped ??= (async () => {
        if (current === provider) {
          trace.disable();
          current = undefined;
          setTracingEnabled(false);
        }
        await provider.shutdown();
      })()),
  };
}

/**
 * Installs the process's tracer provider (and the propagation, if not yet):
 * with `none` nothing is installed and spans stay no-ops, so tracing costs a
 * flag check. `otlp` batches spans to the collector; `console` prints each
 * span as it ends.
 */
export function installTracing(options: TracingOptions): TracingHandle {
  switch (options.exporter) {
    case 'none':
      installTracePropagation();
      return { shutdown: async () => undefined };
    case 'console':
      return register(new SimpleSpanProcessor(new ConsoleSpanExporter()), options.serviceName, options.nodeId);
    case 'otlp': {
      const exporter = new OTLPTraceExporter(options.otlpUrl ? { url: options.otlpUrl } : {});
      return register(new BatchSpanProcessor(exporter), options.serviceName, options.nodeId);
    }
  }
}

/** Spans kept in memory, for tests. */
export interface SpanRecorder extends TracingHandle {
  /** Finished spans, in the order they ended. */
  spans(): ReadableSpan[];
  /** Forgets the spans recorded so far. */
  reset(): void;
}

/**
 * Installs a tracer provider that keeps every finished span in memory
 * (each span handed over as it ends), replacing any installed provider.
 */
export function recordSpansInMemory(serviceName = 'test', nodeId = 'test-0'): SpanRecorder {
  const exporter = new InMemorySpanExporter();
  const handle = register(new SimpleSpanProcessor(exporter), serviceName, nodeId);
  return { ...handle, spans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}

export type { ReadableSpan };
