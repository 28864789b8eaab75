import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { deliver, settledWithin, type RetryPolicy } from './delivery';
import type { BusHandler, BusHeaders, BusRecord } from './event-bus.port';
import type { BusObserver } from './memory-event-bus';
import { DLQ_HEADERS, deadLetterTopicOf } from './topics';

/** Publishes a dead letter (the bus's own publish). */
export type DeadLetterPublisher = (topic: string, key: string, value: Uint8Array, headers: BusHeaders) => Promise<void>;

/** What one group member needs. */
export interface ConsumerLoopOptions {
  consumer: Consumer;
  topic: string;
  groupId: string;
  handler: BusHandler;
  policy: RetryPolicy;
  heartbeatIntervalMs: number;
  partitionsConsumedConcurrently: number;
  observer: BusObserver;
  deadLetter: DeadLetterPublisher;
}

/**
 * One member of a consumer group, on one kafkajs consumer: takes batches,
 * delivers each record with retries (partitions in parallel, records of a
 * partition one after the other), commits a record's offset only once its
 * handler resolved (or once it was dead-lettered), and leaves the group on
 * `leave()`, abandoning uncommitted whatever is still unfinished then.
 */
export class ConsumerLoop {
  private leaving = false;
  private left: Promise<void> | undefined;
  /** eachBatch calls in progress. */
  private readonly inFlight = new Set<Promise<void>>();
  /** One per batch in progress: aborting it abandons the record in hand. */
  private readonly leases = new Set<AbortController>();

  constructor(readonly options: ConsumerLoopOptions) {}

  /**
   * Subscribes and runs; resolves once the member joined its group and
   * fixed its position in each partition it was given, so that a record
   * published after this resolves cannot be missed.
   *
   * Kafka resolves a never-committed partition's "latest" lazily, at the
   * first fetch, and again whenever such a partition changes hands. So for a
   * new group (`newGroupEnds` given) the member commits those ends for every
   * partition right after joining, and `start` waits for its first fetch.
   * Any other group resets a partition without a commit to the earliest
   * record: a duplicate rather than a loss.
   */
  async start(newGroupEnds: { partition: number; offset: string }[] | undefined, fromBeginning: boolean, fetchWaitMs: number): Promise<void> {
    const { consumer, topic, partitionsConsumedConcurrently } = this.options;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.options.observer.error?.(payload.error);
    });
    let fetched!: () => void;
    const firstFetch = new Promise<void>((resolve) => (fetched = resolve));
    const stopListening = consumer.on(consumer.events.FETCH, () => fetched());
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: fromBeginning || newGroupEnds === undefined });
      // kafkajs' run() returns after the first join and sync.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently,
        eachBatch: (payload) => this.track(this.batch(payload)),
      });
      if (newGroupEnds) await consumer.commitOffsets(newGroupEnds.map(({ partition, offset }) => ({ topic, partition, offset })));
      // A member given no partition never fetches: do not wait for it forever.
      await Promise.race([firstFetch, new Promise((resolve) => setTimeout(resolve, fetchWaitMs).unref())]);
    } finally {
      stopListening();
    }
  }

  /**
   * Takes no new record, lets the records in hand finish (and commit) for up
   * to `closeTimeoutMs`, abandons the rest uncommitted, leaves the group.
   */
  leave(closeTimeoutMs: number): Promise<void> {
    this.left ??= (async () => {
      this.leaving = true;
      await settledWithin([...this.inFlight], closeTimeoutMs);
      for (const lease of this.leases) lease.abort();
      await this.options.consumer.disconnect();
    })();
    return this.left;
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async batch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const lease = new AbortController();
    this.leases.add(lease);
    // kafkajs heartbeats only between batches; a slow handler or a long backoff must not cost the membership.
    let heartbeatError: unknown;
    const beat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        heartbeatError ??= error; // a rebalance: give the partition back, the record stays uncommitted
        lease.abort();
      });
    }, this.options.heartbeatIntervalMs);
    try {
      for (const message of batch.messages) {
        if (this.leaving || !isRunning() || isStale() || lease.signal.aborted) break;
        if (!(await this.record(batch.topic, batch.partition, message, lease.signal, payload))) break;
        // Moves kafkajs' fetch position; records left unresolved are fetched again.
        resolveOffset(message.offset);
      }
    } finally {
      clearInterval(beat);
      this.leases.delete(lease);
    }
    // Lets kafkajs rejoin the group at once (it recognises rebalance errors).
    if (heartbeatError !== undefined) throw heartbeatError;
  }

  /** Delivers one record and commits it; false when it stays uncommitted (revoked, or the dead letter could not be written). */
  private async record(topic: string, partition: number, message: KafkaMessage, revoked: AbortSignal, payload: EachBatchPayload): Promise<boolean> {
    const { groupId, handler, policy, observer } = this.options;
    const record = toBusRecord(topic, partition, message);
    const outcome = await deliver(record, handler, policy, revoked, () => observer.retried?.(topic, groupId));
    if (outcome.kind === 'revoked') return false;
    if (outcome.kind === 'failed') {
      const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      try {
        await this.options.deadLetter(deadLetterTopicOf(topic), record.key, record.value, {
          ...record.headers,
          [DLQ_HEADERS.topic]: topic,
          [DLQ_HEADERS.partition]: String(partition),
          [DLQ_HEADERS.offset]: record.offset,
          [DLQ_HEADERS.group]: groupId,
          [DLQ_HEADERS.attempts]: String(outcome.attempts),
          [DLQ_HEADERS.error]: reason.slice(0, 1000),
        });
      } catch (error) {
        observer.error?.(error);
        return false;
      }
      observer.deadLettered?.(topic, groupId);
    } else {
      observer.handled?.(topic, groupId);
    }
    // Throws on a rebalance (ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS): the record is then redelivered, as at-least-once allows.
    const next = (BigInt(message.offset) + 1n).toString();
    await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
    return true;
  }
}

/** A kafkajs message as the port's record (attempt filled in by `deliver`). */
export function toBusRecord(topic: string, partition: number, message: KafkaMessage): Omit<BusRecord, 'attempt'> {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? '',
    value: message.value ? new Uint8Array(message.value) : new Uint8Array(0),
    headers: headersOf(message.headers),
    timestamp: new Date(Number(message.timestamp)),
  };
}

/** kafkajs headers (Buffer, string, or arrays of them) as strings; a repeated header keeps its first value. */
export function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined) out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
