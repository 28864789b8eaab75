/**
 * A thin layer over one cassandra-driver Client shared by the Scylla
 * adapters: every statement prepared, reads and writes at their configured
 * consistency (LWT at LOCAL_SERIAL), a query counter, abort handling, and
 * driver failures turned into store errors.
 */
import cassandra from 'cassandra-driver';
import { abortable } from '../cancellation';
import { StoreUnavailableError } from '../errors';

/** Consistency level names accepted in configuration. */
export const CONSISTENCY_LEVELS = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM', 'LOCAL_ONE'] as const;
/** A consistency level name. */
export type ConsistencyName = (typeof CONSISTENCY_LEVELS)[number];

const LEVEL: Record<ConsistencyName, number> = {
  ONE: cassandra.types.consistencies.one,
  TWO: cassandra.types.consistencies.two,
  THREE: cassandra.types.consistencies.three,
  QUORUM: cassandra.types.consistencies.quorum,
  ALL: cassandra.types.consistencies.all,
  LOCAL_QUORUM: cassandra.types.consistencies.localQuorum,
  EACH_QUORUM: cassandra.types.consistencies.eachQuorum,
  LOCAL_ONE: cassandra.types.consistencies.localOne,
};

/** How to reach a cluster. */
export interface ScyllaConnectionOptions {
  /** "host" or "host:port" entries. */
  contactPoints: string[];
  /** The data centre whose nodes are queried (others only as a fallback never used by DCAware). */
  localDataCenter: string;
  /** Keyspace of the store's tables. */
  keyspace: string;
  /** Consistency of reads (default LOCAL_QUORUM). */
  readConsistency?: ConsistencyName;
  /** Consistency of writes (default LOCAL_QUORUM). */
  writeConsistency?: ConsistencyName;
  /** Per-request client timeout in ms (default 12000). */
  requestTimeoutMs?: number;
}

/**
 * A driver Client with token-aware routing over DC-aware round robin: each
 * statement goes straight to a replica of its partition in the local DC.
 * 64-bit columns are read and written as JS bigint.
 */
export function createScyllaClient(options: Pick<ScyllaConnectionOptions, 'contactPoints' | 'localDataCenter' | 'requestTimeoutMs'> & { keyspace?: string }): cassandra.Client {
  const { loadBalancing } = cassandra.policies;
  return new cassandra.Client({
    contactPoints: options.contactPoints,
    localDataCenter: options.localDataCenter,
    ...(options.keyspace ? { keyspace: options.keyspace } : {}),
    policies: {
      loadBalancing: new loadBalancing.TokenAwarePolicy(new loadBalancing.DCAwareRoundRobinPolicy(options.localDataCenter)),
    },
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true, useUndefinedAsUnset: true },
    socketOptions: { readTimeout: options.requestTimeoutMs ?? 12_000, connectTimeout: 5_000 },
    queryOptions: { prepare: true },
  });
}

/** What a statement does: it picks the consistency. */
export type StatementKind = 'read' | 'write' | 'lwt';

/** One statement of a batch. */
export interface BatchEntry {
  query: string;
  params: unknown[];
}

/** The shared session of the Scylla adapters. */
export class ScyllaSession {
  private queries = 0;
  private readonly read: number;
  private readonly write: number;

  constructor(
    /** The driver client (connected lazily on the first query). */
    readonly client: cassandra.Client,
    /** The keyspace every table name is qualified with. */
    readonly keyspace: string,
    consistency: { read?: ConsistencyName; write?: ConsistencyName } = {},
  ) {
    this.read = LEVEL[consistency.read ?? 'LOCAL_QUORUM'];
    this.write = LEVEL[consistency.write ?? 'LOCAL_QUORUM'];
  }

  /** Round trips issued so far (statements plus batches); tests bound bucket walks with it. */
  get queryCount(): number {
    return this.queries;
  }

  /** `<keyspace>.<table>`. */
  table(name: string): string {
    return `${this.keyspace}.${name}`;
  }

  /** Runs one prepared statement. LWT writes use serial consistency LOCAL_SERIAL. */
  async execute(
    operation: string,
    kind: StatementKind,
    query: string,
    params: unknown[],
    signal?: AbortSignal,
    extra: cassandra.QueryOptions = {},
  ): Promise<cassandra.types.ResultSet> {
    return abortable(signal, operation, async () => {
      this.queries += 1;
      try {
        return await this.client.execute(query, params, {
          prepare: true,
          consistency: kind === 'read' ? this.read : this.write,
          ...(kind === 'lwt' ? { serialConsistency: cassandra.types.consistencies.localSerial } : {}),
          isIdempotent: kind === 'read',
          ...extra,
        });
      } catch (error) {
        throw mapDriverError(error, operation);
      }
    });
  }

  /** Runs a read and follows its pages to the end; returns every row. */
  async readAll(operation: string, query: string, params: unknown[], signal?: AbortSignal, pageSize = 1000): Promise<cassandra.types.Row[]> {
    const rows: cassandra.types.Row[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.execute(operation, 'read', query, params, signal, { fetchSize: pageSize, ...(pageState ? { pageState } : {}) });
      rows.push(...page.rows);
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  /** Runs an unlogged batch (use it for statements of one partition only). */
  async batch(operation: string, entries: BatchEntry[], signal?: AbortSignal): Promise<void> {
    if (entries.length === 0) return;
    await abortable(signal, operation, async () => {
      this.queries += 1;
      try {
        await this.client.batch(entries, { prepare: true, logged: false, consistency: this.write });
      } catch (error) {
        throw mapDriverError(error, operation);
      }
    });
  }

  /** Closes the driver client. */
  async shutdown(): Promise<void> {
    await this.client.shutdown();
  }
}

/** True when an LWT result says the condition held and the write happened. */
export function applied(result: cassandra.types.ResultSet): boolean {
  return result.wasApplied();
}

const UNAVAILABLE_CODES = new Set<number>([
  cassandra.types.responseErrorCodes.unavailableException,
  cassandra.types.responseErrorCodes.overloaded,
  cassandra.types.responseErrorCodes.isBootstrapping,
  cassandra.types.responseErrorCodes.readTimeout,
  cassandra.types.responseErrorCodes.writeTimeout,
  cassandra.types.responseErrorCodes.readFailure,
  cassandra.types.responseErrorCodes.writeFailure,
]);

/** Maps a driver failure: unreachable, timed out or overloaded -> StoreUnavailableError; anything else unchanged. */
export function mapDriverError(error: unknown, operation: string): unknown {
  const { errors } = cassandra;
  if (error instanceof errors.NoHostAvailableError || error instanceof errors.OperationTimedOutError || error instanceof errors.BusyConnectionError) {
    return new StoreUnavailableError('scylla', operation, { cause: error });
  }
  if (error instanceof errors.ResponseError && UNAVAILABLE_CODES.has(error.code)) {
    return new StoreUnavailableError('scylla', operation, { cause: error });
  }
  return error;
}
