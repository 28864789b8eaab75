import { InvalidArgumentError, NotImplementedError, UnavailableError } from '@chat/errors';

/** Thrown by `publish` or `subscribe` after the bus was closed. */
export class BusClosedError extends UnavailableError {
  constructor(
    /** What was attempted: "publish" or "subscribe". */
    readonly operation: string,
  ) {
    super(`the event bus is closed; cannot ${operation}`, { details: { operation } });
  }
}

/** Thrown by `publish` / `subscribe` for a topic or group name Kafka would refuse (empty, over 249 chars, outside [A-Za-z0-9._-]). */
export class InvalidTopicError extends InvalidArgumentError {
  constructor(
    /** "topic" or "groupId". */
    readonly field: string,
    /** The name given. */
    readonly value: string,
  ) {
    super(`${field} ${JSON.stringify(value)} must be 1..249 characters of [A-Za-z0-9._-]`, { details: { field } });
  }
}

/** Thrown by `subscribe` for options out of range (maxAttempts < 1, negative backoff). */
export class InvalidSubscribeOptionError extends InvalidArgumentError {
  constructor(
    /** The option. */
    readonly option: string,
    /** The value given. */
    readonly value: unknown,
  ) {
    super(`subscribe option ${option} is out of range: ${String(value)}`, { details: { option } });
  }
}

/** Thrown by the bus module when CHAT_BUS names an adapter this build does not have yet (kafka, until issue #5). */
export class BusAdapterUnavailableError extends NotImplementedError {
  constructor(
    /** The adapter asked for. */
    readonly adapter: string,
    /** Where it is tracked. */
    readonly tracking: string,
  ) {
    super(`the ${adapter} event bus adapter arrives in ${tracking}; use CHAT_BUS=memory`, { details: { adapter } });
  }
}

/** Thrown when an Envelope cannot be decoded from a record's value. */
export class EnvelopeDecodeError extends InvalidArgumentError {
  constructor(options: { cause?: unknown } = {}) {
    super('the record value is not a chat.events.v1.Envelope', options);
  }
}
