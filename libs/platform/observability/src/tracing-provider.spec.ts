import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { installTracing } from './tracing-provider';
import { tracingEnabled, withSpan } from './tracing-spans';

describe('installTracing', () => {
  it('otlp: batches spans to the collector URL over OTLP/HTTP, flushed by shutdown', async () => {
    const received: { url: string; type: string; body: Buffer }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url ?? '', type: String(req.headers['content-type']), body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    collector.listen(0, '127.0.0.1');
    await once(collector, 'listening');
    const { port } = collector.address() as AddressInfo;
    const tracing = installTracing({ exporter: 'otlp', serviceName: 'chat-test', nodeId: 'node-7', otlpUrl: `http://127.0.0.1:${port}/v1/traces` });
    expect(tracingEnabled()).toBe(true);
    await withSpan('exported span', { attributes: { 'chat.test': 'yes' } }, async () => undefined);
    expect(received).toHaveLength(0); // batched, not sent per span
    await tracing.shutdown();
    collector.close();
    expect(tracingEnabled()).toBe(false);
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/v1/traces');
    const text = received[0]!.body.toString('latin1');
    expect(text).toContain('exported span');
    expect(text).toContain('chat-test');
    expect(text).toContain('node-7');
  });

  it('none: installs nothing, spans stay no-ops', async () => {
    const tracing = installTracing({ exporter: 'none', serviceName: 'chat-test', nodeId: 'node-7' });
    expect(tracingEnabled()).toBe(false);
    expect(await withSpan('ignored', {}, async (span) => span.isRecording())).toBe(false);
    await tracing.shutdown();
  });
});
