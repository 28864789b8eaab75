import { context, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { extractTraceContext, injectTraceContext, installTracePropagation, type HeaderCarrier } from './tracing';

function mapCarrier(): HeaderCarrier & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, get: (k) => map.get(k), set: (k, v) => void map.set(k, v), keys: () => [...map.keys()] };
}

describe('trace propagation', () => {
  installTracePropagation();
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  };

  it('injects the active trace as traceparent and extracts the same trace id', async () => {
    const carrier = mapCarrier();
    const active = trace.setSpanContext(context.active(), spanContext);
    await context.with(active, async () => {
      await Promise.resolve();
      injectTraceContext(carrier);
    });
    expect(carrier.map.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const extracted = extractTraceContext(carrier);
    expect(trace.getSpanContext(extracted)?.traceId).toBe(spanContext.traceId);
  });

  it('keeps the context across awaits inside context.with', async () => {
    const active = trace.setSpanContext(context.active(), spanContext);
    const seen = await context.with(active, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return trace.getSpanContext(context.active())?.spanId;
    });
    expect(seen).toBe(spanContext.spanId);
  });
});
