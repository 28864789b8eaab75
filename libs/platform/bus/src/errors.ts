import { InvalidArgumentError, UnavailableError } from '@chat/errors';

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

/** Thrown by the Kafka adapter's publish / subscribe when a topic it created has no leader for every partition within the wait (the broker is down or overloaded). */
export class TopicNotReadyError extends UnavailableError {
  constructor(
    /** The topic. */
    readonly topic: string,
    /** How long it waited, in ms. */
    readonly waitedMs: number,
    options: { cause?: unknown } = {},
  ) {
    super(`kafka topic ${topic} has no leader for every partition after ${waitedMs} ms`, { ...options, details: { topic } });
  }
}

/** Thrown when an Envelope cannot be decoded from a record's value. */
export class EnvelopeDecodeError extends InvalidArgumentError {
  constructor(options: { cause?: unknown } = {}) {
    super('the record value is not a chat.events.v1.Envelope', options);
  }
}
