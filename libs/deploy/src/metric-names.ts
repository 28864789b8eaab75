import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** How a registered metric appears in the exposition: a histogram adds `_bucket`, `_sum` and `_count` series. */
export type MetricShape = 'histogram' | 'single';

/** A metric name the code registers, with where it is registered. */
export interface RegisteredMetric {
  readonly shape: MetricShape;
  readonly file: string;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'testing' || entry.name === 'fixtures') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/**
 * Every `chat_*` metric the production code registers: string literals named
 * `chat_...` in non-test sources under `libs/` that import prom-client. A
 * name given to `new Histogram({ name: ... })` is a histogram; any other one
 * (counters, gauges, names passed to small helpers) is a single series.
 */
export function registeredMetrics(root: string): Map<string, RegisteredMetric> {
  const found = new Map<string, RegisteredMetric>();
  for (const file of sourceFiles(join(root, 'libs'))) {
    const text = readFileSync(file, 'utf8');
    if (!/from 'prom-client'/.test(text)) continue;
    const where = relative(root, file);
    const histograms = new Set([...text.matchAll(/new Histogram\(\{\s*name:\s*'(chat_[a-z0-9_]+)'/g)].map((m) => m[1]!));
    for (const match of text.matchAll(/'(chat_[a-z0-9_]+)'/g)) {
      const name = match[1]!;
      if (!found.has(name) || histograms.has(name)) found.set(name, { shape: histograms.has(name) ? 'histogram' : 'single', file: where });
    }
  }
  return found;
}

/** The series names an exposition of these metrics contains (`x`, or `x_bucket`/`x_sum`/`x_count` for a histogram). */
export function seriesNames(metrics: ReadonlyMap<string, { readonly shape: MetricShape }>): Set<string> {
  const out = new Set<string>();
  for (const [name, { shape }] of metrics) {
    if (shape === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) out.add(name + suffix);
    else out.add(name);
  }
  return out;
}

/** Metric names a PromQL expression selects: identifiers with the chat_, nodejs_ or process_ prefix (label values in quotes are skipped). */
export function metricNamesIn(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set([...unquoted.matchAll(/\b((?:chat|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) => m[1]!))];
}

/** Names passed straight to rate(), increase(), irate() or delta() (the range-vector function's selector). */
export function rangeFunctionArguments(expr: string): Array<{ fn: string; metric: string }> {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/\b(rate|irate|increase|delta|deriv)\(\s*([a-z_][a-z0-9_]*)/g)].map((m) => ({ fn: m[1]!, metric: m[2]! }));
}
