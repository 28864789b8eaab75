import { context, type Context } from '@opentelemetry/api';
import { injectTraceContext, SpanKind, tracingEnabled, withSpan } from '@chat/observability';
import type { BusRecord } from './event-bus.port';
import { recordCarrier } from './header-carrier';

/**
 * Publishes inside a PRODUCER span `send <topic>` whose context goes into
 * the record's headers (`traceparent`), so the consumers' spans are its
 * children. Headers that already carry a trace (a dead letter keeps its
 * record's) are left as they are. With tracing off the active context is
 * still written, so a trace started upstream continues past the bus.
 */
export function publishTraced<T>(system: 'memory' | 'kafka', topic: string, key: string, headers: Record<string, string>, send: () => Promise<T>): Promise<T> {
  if (headers['traceparent'] !== undefined) return send();
  if (!tracingEnabled()) {
    injectTraceContext(recordCarrier(headers));
    return send();
  }
  const attributes = { 'messaging.system': system, 'messaging.destination.name': topic, 'messaging.operation.type': 'send', 'messaging.kafka.message.key': key };
  return withSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes }, () => {
    injectTraceContext(recordCarrier(headers));
    return send();
  });
}

/**
 * Runs one delivery of a record to its handler in the trace its headers
 * carry: inside a CONSUMER span `process <topic>` (one per attempt, so a
 * retried record shows each try) when tracing is on.
 */
export function handleTraced(traced: Context, record: BusRecord, handle: () => Promise<void>): Promise<void> {
  if (!tracingEnabled()) return context.with(traced, handle);
  const attributes = {
    'messaging.destination.name': record.topic,
    'messaging.operation.type': 'process',
    'messaging.destination.partition.id': String(record.partition),
    'messaging.kafka.offset': record.offset,
    'messaging.kafka.message.key': record.key,
    'chat.bus.attempt': record.attempt,
  };
  return withSpan(`process ${record.topic}`, { kind: SpanKind.CONSUMER, parent: traced, attributes }, handle);
}
