/**
 * Named errors of the snowflake lib. Each carries typed fields so callers and
 * the gRPC/REST boundary can map them without parsing messages.
 */

/** Base class of every error this lib throws. */
export abstract class SnowflakeError extends Error {
  override readonly name: string = 'SnowflakeError';
}

/**
 * Thrown by `new SnowflakeGenerator(...)` when `workerId` or `processId` is not
 * an integer in 0..31 (each has 5 bits in the id).
 */
export class InvalidGeneratorIdError extends SnowflakeError {
  override readonly name = 'InvalidGeneratorIdError';

  constructor(
    /** Which option was wrong. */
    readonly field: 'workerId' | 'processId',
    /** The value that was given. */
    readonly value: unknown,
  ) {
    super(`${field} must be an integer in 0..31, got ${String(value)}`);
  }
}

/**
 * Thrown by `SnowflakeGenerator.next()` when the clock reads earlier than the
 * millisecond of the last id it issued. Issuing ids then could repeat one
 * already handed out, so the generator refuses until the clock catches up.
 */
export class ClockMovedBackwardsError extends SnowflakeError {
  override readonly name = 'ClockMovedBackwardsError';
  /** How many milliseconds the clock went back (`lastTimestampMs - nowMs`). */
  readonly driftMs: number;

  constructor(
    /** Unix ms of the last id issued by this generator. */
    readonly lastTimestampMs: number,
    /** Unix ms the clock reads now. */
    readonly nowMs: number,
  ) {
    const driftMs = lastTimestampMs - nowMs;
    super(
      `clock moved backwards by ${driftMs} ms (last id at ${lastTimestampMs}, clock now ${nowMs}); ` +
        'refusing to issue snowflakes until the clock catches up',
    );
    this.driftMs = driftMs;
  }
}

/**
 * Thrown by `SnowflakeGenerator.next()` when 4096 ids were used in one
 * millisecond and the clock then did not reach the next millisecond within
 * `maxWaitMs` of real time (a frozen or broken clock). Without it the
 * generator would spin forever and block the event loop.
 */
export class ClockStalledError extends SnowflakeError {
  override readonly name = 'ClockStalledError';

  constructor(
    /** Unix ms the clock was stuck at. */
    readonly stuckAtMs: number,
    /** How long the generator waited, in real milliseconds. */
    readonly waitedMs: number,
  ) {
    super(`clock stayed at ${stuckAtMs} for ${waitedMs} ms after the 4096 ids of that millisecond were used`);
  }
}

/**
 * Thrown when a Unix-ms timestamp cannot be stored in a snowflake: not a
 * finite integer, before the Discord epoch (2015-01-01), or past the 42-bit
 * range (year 2154). Thrown by `snowflakeFromTimestamp` and by the generator
 * when its clock reads such a value.
 */
export class InvalidTimestampError extends SnowflakeError {
  override readonly name = 'InvalidTimestampError';

  constructor(
    /** The timestamp that was given (Unix ms). */
    readonly timestampMs: number,
    /** Why it is out of range. */
    readonly reason: string,
  ) {
    super(`timestamp ${String(timestampMs)} cannot be stored in a snowflake: ${reason}`);
  }
}

/**
 * Thrown by `parseSnowflake` (and every helper taking a string id) when the
 * input is not the canonical decimal form of an unsigned 64-bit integer:
 * empty, a sign, non-digits, leading zeros, or a value >= 2^64.
 */
export class InvalidSnowflakeError extends SnowflakeError {
  override readonly name = 'InvalidSnowflakeError';

  constructor(
    /** The rejected input, as given. */
    readonly input: unknown,
    /** Why it was rejected. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`invalid snowflake ${JSON.stringify(typeof input === 'bigint' ? input.toString() : input)}: ${reason}`, options);
  }
}
