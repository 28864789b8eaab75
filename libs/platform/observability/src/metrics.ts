import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process: every module of the process registers its
 * metrics here and the metrics HTTP endpoint serves it. Default Node.js
 * process metrics (event-loop lag, heap, GC) are included.
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

export { Registry } from 'prom-client';
