import { context, trace, TraceFlags } from '@opentelemetry/api';
import { installTracePropagation } from '@chat/observability';
import { describe, expect, it } from 'vitest';
import { createEnvelope, decodeEnvelope, encodeEnvelope, envelopeTraceContext } from './envelope';
import { EnvelopeDecodeError } from './errors';

describe('Envelope helpers', () => {
  installTracePropagation();
  const traceId = '0af7651916cd43dd8448eb211c80319c';

  it('round-trips an event with its id, time and the active trace context', () => {
    const span = trace.setSpanContext(context.active(), { traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    const occurredAt = new Date('2024-05-01T12:00:00.123Z');
    const envelope = context.with(span, () =>
      createEnvelope(
        { $case: 'messageDeleted', messageDeleted: { messageId: '1', channelId: '2', authorId: '3', guildId: '4', recipientUserIds: [] } },
        { eventId: '175928847299117063', occurredAt },
      ),
    );
    const decoded = decodeEnvelope(encodeEnvelope(envelope));
    expect(decoded.eventId).toBe('175928847299117063');
    expect(decoded.occurredAt).toEqual(occurredAt);
    expect(decoded.event).toEqual(envelope.event);
    expect(decoded.traceContext['traceparent']).toBe(`00-${traceId}-b7ad6b7169203331-01`);
    expect(trace.getSpanContext(envelopeTraceContext(decoded))?.traceId).toBe(traceId);
  });

  it('carries no trace context when there is no active trace', () => {
    const envelope = createEnvelope({ $case: 'messagesBulkDeleted', messagesBulkDeleted: { messageIds: ['1', '2'], channelId: '3', guildId: '4' } }, { eventId: '9', occurredAt: new Date() });
    expect(envelope.traceContext).toEqual({});
  });

  it('refuses bytes that are not an Envelope', () => {
    expect(() => decodeEnvelope(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(EnvelopeDecodeError);
    expect(() => decodeEnvelope(new Uint8Array())).toThrow(EnvelopeDecodeError);
  });
});
