export type { EventBus, BusRecord, BusHandler, BusHeaders, SubscribeOptions, Subscription } from './event-bus.port';
export { MemoryEventBus, type MemoryEventBusOptions, type BusObserver } from './memory-event-bus';
export { deliver, retryPolicy, backoffMs, type RetryPolicy, type DeliveryOutcome } from './delivery';
export { createEnvelope, encodeEnvelope, decodeEnvelope, envelopeTraceContext, type EnvelopeEvent } from './envelope';
export { MESSAGES_TOPIC, READ_STATES_TOPIC, DLQ_HEADERS, deadLetterTopicOf } from './topics';
export { recordCarrier } from './header-carrier';
export { busModule, BUS } from './bus.module';
export { BusClosedError, InvalidTopicError, InvalidSubscribeOptionError, BusAdapterUnavailableError, EnvelopeDecodeError } from './errors';
