import { enumSetting } from '@chat/config';
import { installTracing, TRACE_EXPORTER_KINDS, type TraceExporterKind, type TracingHandle } from '@chat/observability';

/** The tracing settings every server process reads (part of the process schema). */
export const tracingSchema = {
  traceExporter: enumSetting('CHAT_OTEL_EXPORTER', TRACE_EXPORTER_KINDS, {
    default: 'none',
    description:
      'where trace spans go: none (no spans, one flag check on hot paths), otlp (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318; service name from OTEL_SERVICE_NAME, default chat-<targets>), console (stdout)',
  }),
};

/**
 * Installs the process's tracer provider from its settings. The standard
 * OpenTelemetry keys are read from the same environment: OTEL_SERVICE_NAME
 * (default `chat-<targets>`) and OTEL_EXPORTER_OTLP_ENDPOINT (the collector's
 * base URL; spans go to `<it>/v1/traces`).
 */
export function startTracing(exporter: TraceExporterKind, options: { env: NodeJS.ProcessEnv; targets: readonly string[]; nodeId: string }): TracingHandle {
  const serviceName = options.env['OTEL_SERVICE_NAME'] || `chat-${options.targets.join('+')}`;
  const endpoint = options.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || (options.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ? `${options.env['OTEL_EXPORTER_OTLP_ENDPOINT'].replace(/\/+$/, '')}/v1/traces` : undefined);
  return installTracing({ exporter, serviceName, nodeId: options.nodeId, ...(endpoint ? { otlpUrl: endpoint } : {}) });
}
