/**
 * The event bus port: what producers (the data service) and consumers (the
 * search indexer, read states) need from Kafka or its in-memory stand-in.
 * Both adapters pass `event-bus.contract.ts`.
 *
 * Semantics, as Kafka gives them:
 * - a record goes to a partition chosen by its key, so one key's records stay
 *   in order (the data service keys by channel_id);
 * - every consumer group sees every record published after it first joined
 *   (or every retained record with `fromBeginning`); the group's members
 *   share the partitions, so within a group each record is handled by one
 *   member at a time;
 * - at least once: a record is committed only after its handler resolved; a
 *   handler that throws gets it again with backoff, up to `maxAttempts`, then
 *   the record goes to the dead-letter topic `<topic>.dlq` and the partition
 *   moves on. A member that leaves mid-record (crash, close) leaves it
 *   uncommitted, and whoever owns the partition next gets it again.
 */

/** Record headers: string to string (trace context, dead-letter details). */
export type BusHeaders = Readonly<Record<string, string>>;

/** One record as a handler receives it. */
export interface BusRecord {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers: BusHeaders;
  /** When the bus accepted the record. */
  readonly timestamp: Date;
  /** 1 on first delivery to this group, 2 on the first retry, ... */
  readonly attempt: number;
}

/** Handles one record; resolve to commit it, throw to have it redelivered. */
export type BusHandler = (record: BusRecord) => Promise<void>;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Deliveries of one record before it goes to `<topic>.dlq` (at least 1). Adapter default when unset. */
  maxAttempts?: number;
  /** Backoff before the first retry, in ms; doubles each retry up to `maxRetryBackoffMs`. */
  retryBackoffMs?: number;
  /** Longest backoff between retries, in ms. */
  maxRetryBackoffMs?: number;
  /** A group that has never committed starts at the oldest retained record instead of the end. Default false. */
  fromBeginning?: boolean;
  /** How long `close()` lets the record in hand finish (and commit) before abandoning it uncommitted, in ms. Adapter default when unset. */
  closeTimeoutMs?: number;
}

/** A live subscription. */
export interface Subscription {
  /**
   * Leaves the group: takes no new record, lets the one in hand finish and
   * commit (up to `closeTimeoutMs`), then hands the partitions to the other
   * members. A record still unfinished then stays uncommitted and is
   * delivered again to the partition's next owner (as after a crash).
   */
  close(): Promise<void>;
}

/** The bus. */
export interface EventBus {
  /** Appends a record; resolves once the bus accepted it (durably, on Kafka). Trace context is added to the headers. */
  publish(topic: string, key: string, value: Uint8Array, headers?: BusHeaders): Promise<void>;
  /** Joins `groupId` on `topic` with `handler`; resolves once the member is part of the group. */
  subscribe(topic: string, groupId: string, handler: BusHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Closes every subscription and the connections; publish and subscribe fail afterwards. */
  close(): Promise<void>;
}
