export { createLogger, silentLogger, type Logger } from './logger';
export { createMetricsRegistry, Registry } from './metrics';
export { startOpsEndpoint, type OpsEndpoint, type ReadinessSource } from './http-endpoint';
export { installTracePropagation, injectTraceContext, extractTraceContext, type HeaderCarrier } from './tracing';
export {
  installTracing,
  recordSpansInMemory,
  TRACE_EXPORTER_KINDS,
  type TraceExporterKind,
  type TracingHandle,
  type TracingOptions,
  type SpanRecorder,
  type ReadableSpan,
} from './tracing-provider';
export {
  tracingEnabled,
  withSpan,
  withSpanSync,
  startSpan,
  endSpanWithError,
  traceparentOf,
  contextOfTraceparent,
  SpanKind,
  type Span,
  type SpanOptions,
} from './tracing-spans';
