/**
 * RecordStore on Scylla: partition (kind, partition), clustering key `key`.
 * Expiry is Scylla's TTL. Conditional writes are lightweight transactions
 * (IF NOT EXISTS, IF value = ?) at LOCAL_SERIAL. `delete` is a plain
 * delete after a read (its answer is what the read saw), so kinds written
 * with plain puts never mix them with Paxos.
 */
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkRecordId, checkTtl } from '../records/record-ids';
import type { RecordStore, RecordWriteOptions, StoredRecord } from '../records/record-store.port';
import { applied, type ScyllaSession } from './scylla-session';

/** The Scylla records adapter. */
export class ScyllaRecordStore implements RecordStore {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = session.table('records');
    this.q = {
      get: `SELECT value FROM ${t} WHERE kind = ? AND partition = ? AND key = ?`,
      list: `SELECT key, value FROM ${t} WHERE kind = ? AND partition = ?`,
      put: `INSERT INTO ${t} (kind, partition, key, value) VALUES (?, ?, ?, ?) USING TTL ?`,
      insertIfAbsent: `INSERT INTO ${t} (kind, partition, key, value) VALUES (?, ?, ?, ?) IF NOT EXISTS USING TTL ?`,
      replaceIf: `UPDATE ${t} USING TTL ? SET value = ? WHERE kind = ? AND partition = ? AND key = ? IF value = ?`,
      remove: `DELETE FROM ${t} WHERE kind = ? AND partition = ? AND key = ?`,
    };
  }

  async get(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<string | undefined> {
    const result = await this.session.execute('records.get', 'read', this.q.get, [checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key)], options?.signal);
    return (result.first()?.get('value') as string | null | undefined) ?? undefined;
  }

  async list(kind: string, partition: string, options?: StoreCallOptions): Promise<StoredRecord[]> {
    const rows = await this.session.readAll('records.list', this.q.list, [checkRecordId('kind', kind), checkRecordId('partition', partition)], options?.signal);
    // Clustering order is the key's UTF-8 byte order, which is also what SQLite's BINARY collation gives.
    return rows.map((row) => ({ key: row.get('key') as string, value: row.get('value') as string }));
  }

  async put(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<void> {
    await this.session.execute('records.put', 'write', this.q.put, [checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), value, checkTtl(options?.ttlSeconds) ?? 0], options?.signal);
  }

  async insertIfAbsent(kind: string, partition: string, key: string, value: string, options?: RecordWriteOptions): Promise<boolean> {
    const params = [checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), value, checkTtl(options?.ttlSeconds) ?? 0];
    return applied(await this.session.execute('records.insertIfAbsent', 'lwt', this.q.insertIfAbsent, params, options?.signal));
  }

  async replaceIf(kind: string, partition: string, key: string, expected: string, value: string, options?: RecordWriteOptions): Promise<boolean> {
    const params = [checkTtl(options?.ttlSeconds) ?? 0, value, checkRecordId('kind', kind), checkRecordId('partition', partition), checkRecordId('key', key), expected];
    return applied(await this.session.execute('records.replaceIf', 'lwt', this.q.replaceIf, params, options?.signal));
  }

  async delete(kind: string, partition: string, key: string, options?: StoreCallOptions): Promise<boolean> {
    const existed = (await this.get(kind, partition, key, options)) !== undefined;
    await this.session.execute('records.delete', 'write', this.q.remove, [kind, partition, key], options?.signal);
    return existed;
  }
}
