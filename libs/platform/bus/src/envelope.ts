import type { Context } from '@opentelemetry/api';
import { eventsV1 } from '@chat/proto';
import { extractTraceContext, injectTraceContext } from '@chat/observability';
import { EnvelopeDecodeError } from './errors';
import { recordCarrier } from './header-carrier';

/** The event carried by an Envelope (the `event` oneof). */
export type EnvelopeEvent = NonNullable<eventsV1.Envelope['event']>;

/**
 * Wraps an event in a chat.events.v1 Envelope with its id, the time of the
 * change and the active trace context, so a consumer's work joins the trace
 * of the request that caused it.
 */
export function createEnvelope(event: EnvelopeEvent, meta: { eventId: string; occurredAt: Date }): eventsV1.Envelope {
  const traceContext: Record<string, string> = {};
  injectTraceContext(recordCarrier(traceContext));
  return { eventId: meta.eventId, occurredAt: meta.occurredAt, traceContext, event };
}

/** Protobuf bytes of an Envelope, as published on the bus. */
export function encodeEnvelope(envelope: eventsV1.Envelope): Uint8Array {
  return eventsV1.Envelope.encode(envelope).finish();
}

/** @throws {EnvelopeDecodeError} when `bytes` is not an Envelope with an event id. */
export function decodeEnvelope(bytes: Uint8Array): eventsV1.Envelope {
  let envelope: eventsV1.Envelope;
  try {
    envelope = eventsV1.Envelope.decode(bytes);
  } catch (error) {
    throw new EnvelopeDecodeError({ cause: error });
  }
  if (envelope.eventId === '') throw new EnvelopeDecodeError();
  return envelope;
}

/** The trace context an Envelope carries, to run its handling in. */
export function envelopeTraceContext(envelope: eventsV1.Envelope): Context {
  return extractTraceContext(recordCarrier({ ...envelope.traceContext }));
}
