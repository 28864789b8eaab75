// deploy/observability against the code: every metric an alert rule or a
// dashboard panel queries is registered by the code now (a rename or a removed
// metric fails here), histograms are queried through _bucket/_sum/_count,
// counters through rate()/increase(), and no query uses a per-entity label.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@chat/observability';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, SERVICE_APPS } from './config-docs';
import { metricNamesIn, rangeFunctionArguments, registeredMetrics, seriesNames, type MetricShape } from './metric-names';

interface AlertRule {
  alert?: unknown;
  record?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}
interface Dashboard {
  uid?: unknown;
  title?: unknown;
  panels?: Array<{ title?: unknown; targets?: Array<{ expr?: unknown }> }>;
}

const OBSERVABILITY = join(REPO_ROOT, 'deploy/observability');
const PER_ENTITY_LABELS = /\b(user_id|guild_id|session_id|channel_id|message_id|userId|guildId|sessionId)\b/;

let known: Set<string>;
let shapes: Map<string, MetricShape>;
let rules: Array<AlertRule & { file: string }>;
let dashboards: Record<string, Dashboard>;

/** Problems with one PromQL expression, as readable strings (empty when it is fine). */
function problems(expr: string): string[] {
  const out: string[] = [];
  const names = metricNamesIn(expr);
  if (names.length === 0) out.push('queries no chat_/nodejs_/process_ metric');
  for (const name of names) if (!known.has(name)) out.push(`${name} is not registered by the code`);
  for (const { fn, metric } of rangeFunctionArguments(expr)) {
    const counterLike = /_(total|bucket|count|sum)$/.test(metric);
    if ((fn === 'rate' || fn === 'irate' || fn === 'increase') && !counterLike) out.push(`${fn}(${metric}): not a counter or histogram series`);
    if ((fn === 'delta' || fn === 'deriv') && counterLike) out.push(`${fn}(${metric}): use rate()/increase() on a counter`);
  }
  if (expr.includes('histogram_quantile') && !/_bucket\b/.test(expr)) out.push('histogram_quantile without a _bucket series');
  if (PER_ENTITY_LABELS.test(expr)) out.push('uses a per-entity label');
  return out;
}

beforeAll(async () => {
  const registered = registeredMetrics(REPO_ROOT);
  shapes = new Map([...registered].map(([name, m]) => [name, m.shape]));
  const defaults = await createMetricsRegistry().getMetricsAsJSON();
  for (const metric of defaults) shapes.set(metric.name, String(metric.type) === 'histogram' ? 'histogram' : 'single');
  known = seriesNames(new Map([...shapes].map(([name, shape]) => [name, { shape }])));
  rules = [];
  for (const file of readdirSync(join(OBSERVABILITY, 'alerts')).filter((f) => f.endsWith('.rules.yaml'))) {
    const doc = parse(readFileSync(join(OBSERVABILITY, 'alerts', file), 'utf8')) as { groups?: Array<{ name?: unknown; rules?: AlertRule[] }> };
    for (const group of doc.groups ?? []) for (const rule of group.rules ?? []) rules.push({ ...rule, file });
  }
  dashboards = {};
  for (const app of SERVICE_APPS) dashboards[app] = JSON.parse(readFileSync(join(OBSERVABILITY, 'dashboards', `${app}.json`), 'utf8')) as Dashboard;
});

describe('metric names from the code', () => {
  it('finds the metrics of every service, histograms as histograms', () => {
    expect(shapes.get('chat_actor_mailbox_depth')).toBe('single');
    expect(shapes.get('chat_gateway_fanout_seconds')).toBe('histogram');
    expect(shapes.get('chat_guild_batch_flush_items')).toBe('histogram');
    expect(shapes.get('chat_grpc_server_handled_seconds')).toBe('histogram');
    expect(shapes.get('chat_http_request_seconds')).toBe('histogram');
    expect(shapes.get('chat_bus_consumer_lag')).toBe('single');
    expect(shapes.get('chat_voice_media_packets_dropped_total')).toBe('single');
    expect(shapes.get('chat_data_read_executions_total')).toBe('single');
    expect(shapes.get('nodejs_eventloop_lag_p99_seconds')).toBe('single');
    expect(known.has('chat_gateway_fanout_seconds_bucket')).toBe(true);
    expect(known.has('chat_gateway_fanout_seconds')).toBe(false);
  });

  it('the checker rejects what it should', () => {
    expect(problems('rate(chat_renamed_total[5m])')).toEqual(['chat_renamed_total is not registered by the code']);
    expect(problems('rate(chat_actor_mailbox_depth[5m])')).toEqual(['rate(chat_actor_mailbox_depth): not a counter or histogram series']);
    expect(problems('histogram_quantile(0.99, chat_gateway_fanout_seconds_count)')).toEqual(['histogram_quantile without a _bucket series']);
    expect(problems('sum by (guild_id) (chat_actors{kind="guild"})')).toEqual(['uses a per-entity label']);
    expect(problems('sum(chat_actors{kind="chat_not_a_metric"})')).toEqual([]);
  });
});

describe('alert rules', () => {
  it('parse, and each alert has an expression, a severity, a summary and a duration Prometheus accepts', () => {
    expect(rules.length).toBeGreaterThan(5);
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size, 'alert names are unique').toBe(names.length);
    for (const rule of rules) {
      expect(rule.alert, `${rule.file}: recording rules are not expected here`).toMatch(/^Chat[A-Z][A-Za-z]+$/);
      expect(typeof rule.expr).toBe('string');
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe('string');
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
  });

  it('cover the issue: mailbox depth, fan-out p99, consumer lag, voice drops, gRPC errors', () => {
    const expressions = Object.fromEntries(rules.map((r) => [String(r.alert), String(r.expr)]));
    expect(expressions.ChatActorMailboxBacklog).toContain('chat_actor_mailbox_depth_max');
    expect(rules.find((r) => r.alert === 'ChatActorMailboxBacklog')?.for).toBe('5m');
    expect(expressions.ChatGatewayFanoutSlow).toMatch(/histogram_quantile\(0\.99,.*chat_gateway_fanout_seconds_bucket.*\) > 1$/);
    expect(expressions.ChatBusConsumerLagGrowing).toContain('delta(chat_bus_consumer_lag');
    expect(expressions.ChatVoiceDropRate).toContain('chat_voice_media_packets_dropped_total');
    expect(expressions.ChatGrpcErrorRate).toContain('chat_grpc_server_handled_seconds_count');
  });

  it('query only metrics the code registers, the right way', () => {
    const found = rules.flatMap((rule) => problems(String(rule.expr)).map((p) => `${String(rule.alert)}: ${p}`));
    expect(found).toEqual([]);
  });
});

describe('dashboards', () => {
  it.each(SERVICE_APPS)('%s: one dashboard with panels whose queries use only registered metrics', (app) => {
    const dashboard = dashboards[app]!;
    expect(dashboard.uid).toBe(`chat-${app}`);
    expect(typeof dashboard.title).toBe('string');
    const panels = dashboard.panels ?? [];
    expect(panels.length).toBeGreaterThan(3);
    const found: string[] = [];
    for (const panel of panels) {
      expect(panel.targets?.length, `${String(panel.title)} has queries`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) for (const p of problems(String(target.expr))) found.push(`${String(panel.title)}: ${p}`);
    }
    expect(found).toEqual([]);
  });

  it('each service dashboard shows that service\'s own metrics', () => {
    const own: Record<string, RegExp> = {
      api: /chat_http_request_seconds_bucket\{[^}]*mount=\\"\/api\\"/,
      gateway: /chat_gateway_fanout_seconds_bucket/,
      guild: /chat_guild_batch_flush_items_bucket/,
      'data-service': /chat_data_read_executions_total/,
      'read-states': /chat_bus_consumer_lag/,
      'search-indexer': /chat_bus_consumer_lag/,
      voice: /chat_voice_media_packets_dropped_total/,
    };
    for (const app of SERVICE_APPS) expect(JSON.stringify(dashboards[app]), app).toMatch(own[app]!);
  });
});
