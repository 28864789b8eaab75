import { ClockMovedBackwardsError, ClockStalledError, InvalidGeneratorIdError } from './errors';
import {
  INCREMENT_BITS,
  MAX_INCREMENT,
  MAX_PROCESS_ID,
  MAX_WORKER_ID,
  PROCESS_ID_BITS,
  type Snowflake,
  timestampOffset,
} from './snowflake';

/** Options of {@link SnowflakeGenerator}. */
export interface SnowflakeGeneratorOptions {
  /** Internal worker id, an integer 0..31; unique per machine/pod in a deployment. */
  readonly workerId: number;
  /** Internal process id, an integer 0..31; unique per process on that worker. */
  readonly processId: number;
  /** Unix-ms clock; defaults to `Date.now`. Injected in tests. Fractions are floored. */
  readonly clock?: () => number;
  /**
   * How long (real ms) `next()` may wait for the clock to reach the next
   * millisecond after the 4096 ids of one millisecond are used, before it
   * gives up with {@link ClockStalledError}. Default 1000.
   */
  readonly maxWaitMs?: number;
}

/**
 * Issues Discord-layout snowflakes for one (worker, process) pair.
 *
 * - Monotonic: every id is greater than the one before it, within this
 *   instance. Ids in the same millisecond take increments 0, 1, 2, ...
 * - Overflow: when all 4096 increments of a millisecond are used, `next()`
 *   busy-waits (synchronously, at most about 1 ms on a working clock) until the
 *   clock reaches the next millisecond, then continues at increment 0. It
 *   never borrows from the future, so every id's timestamp is a time the
 *   clock really read. 4096 ids/ms is 4 M ids/s, above what one JS process
 *   issues, so the wait is rare.
 * - Clock going back: `next()` throws {@link ClockMovedBackwardsError} (with
 *   the drift in ms) instead of issuing an id that could repeat one already
 *   issued. It issues ids again once the clock is past the last id's ms.
 *
 * Use one instance per (workerId, processId); two instances with the same
 * pair can issue the same id.
 */
export class SnowflakeGenerator {
  /** Internal worker id of every id this instance issues. */
  readonly workerId: number;
  /** Internal process id of every id this instance issues. */
  readonly processId: number;
  private readonly clock: () => number;
  private readonly maxWaitMs: number;
  private readonly nodeBits: bigint;
  private lastMs = -1;
  private increment = 0;
  private base = 0n;

  /** @throws {InvalidGeneratorIdError} when workerId or processId is not an integer in 0..31. */
  constructor(options: SnowflakeGeneratorOptions) {
    const { workerId, processId } = options;
    if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER_ID) {
      throw new InvalidGeneratorIdError('workerId', workerId);
    }
    if (!Number.isInteger(processId) || processId < 0 || processId > MAX_PROCESS_ID) {
      throw new InvalidGeneratorIdError('processId', processId);
    }
    this.workerId = workerId;
    this.processId = processId;
    this.clock = options.clock ?? Date.now;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.nodeBits =
      (BigInt(workerId) << BigInt(INCREMENT_BITS + PROCESS_ID_BITS)) | (BigInt(processId) << BigInt(INCREMENT_BITS));
  }

  /**
   * The next id, as a decimal string.
   *
   * @throws {ClockMovedBackwardsError} when the clock reads before the last id's millisecond.
   * @throws {ClockStalledError} when increments are exhausted and the clock does not advance within `maxWaitMs`.
   * @throws {InvalidTimestampError} when the clock reads outside 2015..2154.
   */
  next(): Snowflake {
    const now = this.now();
    if (now < this.lastMs) throw new ClockMovedBackwardsError(this.lastMs, now);
    if (now > this.lastMs) {
      this.startMillisecond(now);
    } else if (this.increment < MAX_INCREMENT) {
      this.increment += 1;
    } else {
      this.startMillisecond(this.waitForNextMillisecond());
    }
    return (this.base | BigInt(this.increment)).toString();
  }

  private now(): number {
    return Math.floor(this.clock());
  }

  private startMillisecond(ms: number): void {
    this.base = (timestampOffset(ms) << 22n) | this.nodeBits;
    this.lastMs = ms;
    this.increment = 0;
  }

  private waitForNextMillisecond(): number {
    const started = performance.now();
    for (let spins = 1; ; spins++) {
      const now = this.now();
      if (now > this.lastMs) return now;
      if (now < this.lastMs) throw new ClockMovedBackwardsError(this.lastMs, now);
      if ((spins & 1023) === 0) {
        const waited = performance.now() - started;
        if (waited > this.maxWaitMs) throw new ClockStalledError(this.lastMs, Math.round(waited));
      }
    }
  }
}
