/**
 * The records port: small JSON documents the API keeps beside the main
 * tables (application commands, webhooks, interactions in flight). Each
 * record lives at (kind, partition, key): a partition is read whole, in key
 * order, and is never large (an application's commands in one scope, a
 * channel's webhooks). Values are opaque text; the typed stores built on this
 * port (application-commands/, webhooks/, interactions/) own their shapes.
 *
 * Conditional writes (`insertIfAbsent`, `replaceIf`) are the only way two
 * API nodes agree on something, e.g. which answer to an interaction came
 * first. A kind uses either conditional or plain writes on a row, never both
 * (on Scylla they are Paxos and plain mutations, which do not order with each
 * other).
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** One record of a partition. */
export interface StoredRecord {
  key: string;
  value: string;
}

/** Options of a write. */
export interface RecordWriteOptions extends StoreCallOptions {
  /** The record disappears after this many seconds (interaction tokens); unset keeps it. */
  ttlSeconds?: number;
}

/** The records port. */
export interface RecordStore {
  /** One record's value, or undefined (also when expired). */
  get(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<string | undefined>;
  /** Every live record of a partition, in key order (byte order of the key). */
  list(kind: string, partition: string, options?: StoreCallOptions): Promise<StoredRecord[]>;
  /** Writes a record whether or not it exists. */
  put(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<void>;
  /** Writes a record only when none is stored (or it expired); true when this call wrote it. */
  insertIfAbsent(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<boolean>;
  /** Replaces a record only while its value is still `expected`; true when this call replaced it. */
  replaceIf(kind: string, partition: string, key: string, expected: string, value: string, options?: RecordWriteOptions): Promise<boolean>;
  /** Deletes a record; true when one was stored. */
  delete(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<boolean>;
}

/** Longest partition or key text, so a bad caller cannot grow an index without bound. */
export const MAX_RECORD_ID_LENGTH = 200;
