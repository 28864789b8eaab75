import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { installTracing, recordSpansInMemory, type SpanRecorder } from './tracing-provider';
import { contextOfTraceparent, traceparentOf, tracingEnabled, withSpan, withSpanSync } from './tracing-spans';

describe('spans', () => {
  let recorder: SpanRecorder | undefined;
  afterEach(async () => {
    await recorder?.shutdown();
    recorder = undefined;
  });

  it('records nothing and reports disabled until a provider is installed', async () => {
    expect(tracingEnabled()).toBe(false);
    const seen = await withSpan('off', {}, async (span) => span.isRecording());
    expect(seen).toBe(false);
    expect(installTracing({ exporter: 'none', serviceName: 's', nodeId: 'n' })).toBeDefined();
    expect(tracingEnabled()).toBe(false);
  });

  it('nests spans across awaits: the child has the parent span as parent, same trace', async () => {
    recorder = recordSpansInMemory('svc', 'node-1');
    expect(tracingEnabled()).toBe(true);
    await withSpan('outer', { attributes: { a: 1 } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      withSpanSync('inner', {}, () => undefined);
    });
    const [inner, outer] = recorder.spans();
    expect(inner?.name).toBe('inner');
    expect(outer?.name).toBe('outer');
    expect(outer?.attributes['a']).toBe(1);
    expect(inner?.spanContext().traceId).toBe(outer?.spanContext().traceId);
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(outer?.parentSpanContext).toBeUndefined();
    expect(outer?.resource.attributes['service.name']).toBe('svc');
    expect(outer?.resource.attributes['service.instance.id']).toBe('node-1');
  });

  it('marks a span whose work rejects as failed and passes the error on', async () => {
    recorder = recordSpansInMemory();
    await expect(withSpan('boom', {}, async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    const [span] = recorder.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.status.message).toBe('nope');
    expect(span?.events[0]?.name).toBe('exception');
  });

  it('carries a span through a traceparent string: the far side continues the same trace', async () => {
    recorder = recordSpansInMemory();
    const traceparent = await withSpan('sender', {}, async () => traceparentOf());
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await withSpan('receiver', { parent: contextOfTraceparent(traceparent) }, async () => undefined);
    const [sender, receiver] = recorder.spans();
    expect(receiver?.spanContext().traceId).toBe(sender?.spanContext().traceId);
    expect(receiver?.parentSpanContext?.spanId).toBe(sender?.spanContext().spanId);
    expect(traceparentOf(trace.deleteSpan(contextOfTraceparent(undefined)))).toBeUndefined();
  });

  it('stops recording after shutdown', async () => {
    recorder = recordSpansInMemory();
    await recorder.shutdown();
    expect(tracingEnabled()).toBe(false);
    await withSpan('late', {}, async () => undefined);
    expect(recorder.spans()).toHaveLength(0);
  });
});
