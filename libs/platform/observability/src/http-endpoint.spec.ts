import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpsEndpoint, type OpsEndpoint } from './http-endpoint';
import { createMetricsRegistry } from './metrics';

describe('ops endpoint', () => {
  let endpoint: OpsEndpoint | undefined;
  afterEach(async () => endpoint?.close());

  it('serves metrics, readiness and liveness', async () => {
    const registry = createMetricsRegistry({ node: 'test' });
    new Counter({ name: 'chat_test_total', help: 'test counter', registers: [registry] }).inc(3);
    let ready = false;
    endpoint = await startOpsEndpoint({
      host: '127.0.0.1',
      port: 0,
      registry,
      readiness: { isReady: () => ready, describe: () => ({ guild: ready ? 'running' : 'starting' }) },
    });
    const base = `http://127.0.0.1:${endpoint.port}`;

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('chat_test_total{node="test"} 3');
    expect(metrics).toContain('nodejs_eventloop_lag_seconds');

    const notReady = await fetch(`${base}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false, modules: { guild: 'starting' } });
    ready = true;
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
