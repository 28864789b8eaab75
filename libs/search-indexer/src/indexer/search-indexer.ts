/**
 * The indexer: a member of consumer group `search-indexer` on the messages
 * topic. Each record's operations are routed to their destination (the cell
 * of their scope, and the guild or DM index there), batched with the other
 * records' operations for that destination, and bulk-written. The handler
 * resolves only once every batch holding its operations was written, so the
 * bus commits a record only after its documents are in the index; a failed
 * bulk fails the handler and the bus redelivers. Writes are idempotent by
 * message id (search-index.port.ts), so a redelivery changes nothing.
 *
 * Batches fill across partitions: the bus hands one record of a partition
 * at a time and waits for its handler, so a batch holds at most one record
 * per partition being consumed; `lingerMs` flushes as soon as they stopped
 * arriving.
 */
import { decodeEnvelope, MESSAGES_TOPIC, type BusRecord, type EventBus, type SubscribeOptions, type Subscription } from '@chat/bus';
import { withSpan } from '@chat/observability';
import { UnknownCellError } from '../errors';
import type { CellAllocator } from '../cells/cell-allocator';
import type { SearchIndex } from '../index/search-index.port';
import { Batcher, type BatchLimits } from './batcher';
import { operationsOf, type IndexOperation } from './message-documents';

/** Name of the span of one consumed record's indexing (routing, batching, the bulk write it waits for). */
export const INDEX_SPAN = 'search-indexer index';

/** What the indexer reports (the module turns it into metrics). */
export interface IndexerObserver {
  /** A bulk write finished. */
  flushed?(cell: string, operations: number, seconds: number, ok: boolean): void;
  /** A record's handler failed (it is redelivered). */
  failed?(error: unknown, record: BusRecord): void;
}

/** Options of {@link SearchIndexer}. */
export interface SearchIndexerOptions {
  bus: EventBus;
  /** Index of each cell, by cell name. */
  indexes: ReadonlyMap<string, SearchIndex>;
  allocator: CellAllocator;
  batch: BatchLimits;
  /** Default MESSAGES_TOPIC. */
  topic?: string;
  /** Default 'search-indexer'. */
  group?: string;
  subscribe?: SubscribeOptions;
  observer?: IndexerObserver;
}

/** Destination of an operation: `<cell>/<guild|dm>`. */
function destinationOf(cell: string, scope: string): string {
  return `${cell}/${scope.startsWith('u:') ? 'dm' : 'guild'}`;
}

function scopeOf(operation: IndexOperation): string {
  return operation.kind === 'upsert' ? operation.document.scope : operation.ref.scope;
}

/** Consumes message events into the search index. */
export class SearchIndexer {
  private readonly batcher: Batcher<IndexOperation>;
  private subscription: Subscription | undefined;

  constructor(private readonly options: SearchIndexerOptions) {
    this.batcher = new Batcher(options.batch, (destination, operations) => this.write(destination, operations));
  }

  /** Joins the consumer group; resolves once the member is part of it. */
  async start(): Promise<void> {
    this.subscription = await this.options.bus.subscribe(this.options.topic ?? MESSAGES_TOPIC, this.options.group ?? 'search-indexer', (record) => this.handle(record), this.options.subscribe);
  }

  /** Leaves the group (the records in hand finish with their batches), then writes whatever is still batched. */
  async stop(): Promise<void> {
    const leaving = this.subscription?.close();
    this.subscription = undefined;
    await this.batcher.drain();
    await leaving;
    await this.batcher.drain();
  }

  /**
   * Leaves the group without writing what is batched, as a crash would: the
   * records in hand stay uncommitted (after the subscription's
   * closeTimeoutMs) and go to the partition's next owner. For tests.
   */
  async abandon(): Promise<void> {
    const leaving = this.subscription?.close();
    this.subscription = undefined;
    await leaving;
  }

  /** Handles one record (in a `search-indexer index` span): resolves after its operations were written. Exposed for tests. */
  handle(record: BusRecord): Promise<void> {
    return withSpan(INDEX_SPAN, { attributes: { 'messaging.kafka.offset': record.offset, 'chat.channel.id': record.key } }, () => this.index(record));
  }

  private async index(record: BusRecord): Promise<void> {
    try {
      const operations = operationsOf(decodeEnvelope(record.value));
      const byDestination = new Map<string, IndexOperation[]>();
      for (const operation of operations) {
        const cell = await this.options.allocator.allocate(scopeOf(operation));
        const destination = destinationOf(cell, scopeOf(operation));
        const list = byDestination.get(destination);
        if (list) list.push(operation);
        else byDestination.set(destination, [operation]);
      }
      await Promise.all([...byDestination].map(([destination, list]) => this.batcher.add(destination, list)));
    } catch (error) {
      this.options.observer?.failed?.(error, record);
      throw error;
    }
  }

  private async write(destination: string, operations: IndexOperation[]): Promise<void> {
    const cell = destination.slice(0, destination.lastIndexOf('/'));
    const index = this.options.indexes.get(cell);
    if (!index) throw new UnknownCellError(cell);
    const started = performance.now();
    let ok = false;
    try {
      const documents = operations.flatMap((operation) => (operation.kind === 'upsert' ? [operation.document] : []));
      const refs = operations.flatMap((operation) => (operation.kind === 'delete' ? [operation.ref] : []));
      if (documents.length > 0) await index.upsertMany(documents);
      if (refs.length > 0) await index.deleteMany(refs);
      ok = true;
    } finally {
      this.options.observer?.flushed?.(cell, operations.length, (performance.now() - started) / 1000, ok);
    }
  }
}
