/**
 * RecordStore on SQLite: one WITHOUT ROWID table keyed (kind, partition,
 * key). Expiry is a column compared at read time; expired rows of a
 * partition are removed when that partition is next written. Conditional
 * writes are single statements, atomic under SQLite's one writer.
 */
import { throwIfAborted } from '../cancellation';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkRecordId, checkTtl } from '../records/record-ids';
import type { RecordStore, RecordWriteOptions, StoredRecord } from '../records/record-store.port';
import type { SqliteDatabase } from './sqlite-database';

const LIVE = '(expires_at IS NULL OR expires_at > ?)';

/** The SQLite records adapter. Shares the connection it is given. */
export class SqliteRecordStore implements RecordStore {
  private readonly q;

  constructor(
    db: SqliteDatabase,
    private readonly clock: () => number = Date.now,
  ) {
    this.q = {
      get: db.prepare(`SELECT value FROM records WHERE kind = ? AND partition = ? AND key = ? AND ${LIVE}`),
      list: db.prepare(`SELECT key, value FROM records WHERE kind = ? AND partition = ? AND ${LIVE} ORDER BY key`),
      put: db.prepare(`INSERT INTO records (kind, partition, key, value, expires_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, partition, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`),
      insertIfAbsent: db.prepare(`INSERT INTO records (kind, partition, key, value, expires_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (kind, partition, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
        WHERE records.expires_at IS NOT NULL AND records.expires_at <= ?`),
      replaceIf: db.prepare(`UPDATE records SET value = ?, expires_at = ? WHERE kind = ? AND partition = ? AND key = ? AND value = ? AND ${LIVE}`),
      remove: db.prepare(`DELETE FROM records WHERE kind = ? AND partition = ? AND key = ? AND ${LIVE}`),
      sweep: db.prepare('DELETE FROM records WHERE kind = ? AND partition = ? AND expires_at IS NOT NULL AND expires_at <= ?'),
    };
  }

  async get(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<string | undefined> {
    throwIfAborted(options?.signal, 'records.get');
    const row = this.q.get.get(checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), this.clock()) as { value: string } | undefined;
    return row?.value;
  }

  async list(kind: string, partition: string, options?: StoreCallOptions): Promise<StoredRecord[]> {
    throwIfAborted(options?.signal, 'records.list');
    return this.q.list.all(checkRecordId('kind', kind), checkRecordId('partition', partition), this.clock()) as StoredRecord[];
  }

  async put(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<void> {
    throwIfAborted(options?.signal, 'records.put');
    const now = this.clock();
    this.q.put.run(checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), value, this.expiry(now, options));
    this.q.sweep.run(kind, partition, now);
  }

  async insertIfAbsent(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'records.insertIfAbsent');
    const now = this.clock();
    const { changes } = this.q.insertIfAbsent.run(checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), value, this.expiry(now, options), now);
    return changes > 0;
  }

  async replaceIf(kind: string, partition: string, key: string, expected: string, value: string, options?: RecordWriteOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'records.replaceIf');
    const now = this.clock();
    const { changes } = this.q.replaceIf.run(value, this.expiry(now, options), checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), expected, now);
    return changes > 0;
  }

  async delete(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'records.delete');
    const { changes } = this.q.remove.run(checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), this.clock());
    return changes > 0;
  }

  private expiry(now: number, options: RecordWriteOptions | undefined): number | null {
    const ttl = checkTtl(options?.ttlSeconds);
    return ttl === undefined ? null : now + ttl * 1000;
  }
}
