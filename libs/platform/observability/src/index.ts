export { createLogger, silentLogger, type Logger } from './logger';
export { createMetricsRegistry, Registry } from './metrics';
export { startOpsEndpoint, type OpsEndpoint, type ReadinessSource } from './http-endpoint';
export { installTracePropagation, injectTraceContext, extractTraceContext, type HeaderCarrier } from './tracing';
