/**
 * OutboxStore on SQLite: one row per (owner, event_id) in a WITHOUT ROWID
 * table, so an owner's entries are read in event order from the primary key.
 */
import { throwIfAborted } from '../cancellation';
import { toDbId, toDbIds } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkOutboxEntry, checkOutboxLimit } from '../outbox/outbox-records';
import type { OutboxEntry, OutboxEventKind, OutboxStore } from '../outbox/outbox-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { date, idText, stringList, type SqliteRow } from './sqlite-values';

function toEntry(row: SqliteRow): OutboxEntry {
  return {
    owner: row.owner as string,
    eventId: idText(row.event_id),
    kind: row.kind as OutboxEventKind,
    channelId: idText(row.channel_id),
    messageIds: stringList(row.message_ids),
    value: new Uint8Array(row.value as Buffer),
    createdAt: date(row.created_at),
  };
}

/** The SQLite outbox adapter. Shares the connection it is given. */
export class SqliteOutboxStore implements OutboxStore {
  private readonly insert;
  private readonly selectAll;
  private readonly selectAfter;
  private readonly removeOne;
  private readonly removeAll;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(`INSERT OR REPLACE INTO outbox (owner, event_id, kind, channel_id, message_ids, value, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.selectAll = db.prepare('SELECT * FROM outbox WHERE owner = ? ORDER BY event_id LIMIT ?');
    this.selectAfter = db.prepare('SELECT * FROM outbox WHERE owner = ? AND event_id > ? ORDER BY event_id LIMIT ?');
    this.removeOne = db.prepare('DELETE FROM outbox WHERE owner = ? AND event_id = ?');
    this.removeAll = db.transaction((owner: string, ids: bigint[]) => {
      for (const id of ids) this.removeOne.run(owner, id);
    });
  }

  async put(entry: OutboxEntry, options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'outbox.put');
    checkOutboxEntry(entry);
    this.insert.run(
      entry.owner,
      toDbId(entry.eventId, 'eventId'),
      entry.kind,
      toDbId(entry.channelId, 'channelId'),
      JSON.stringify(toDbIds(entry.messageIds, 'messageIds').map(String)),
      Buffer.from(entry.value),
      entry.createdAt.getTime(),
    );
  }

  async list(owner: string, query: { afterEventId?: string; limit: number }, options?: StoreCallOptions): Promise<OutboxEntry[]> {
    throwIfAborted(options?.signal, 'outbox.list');
    checkOutboxLimit(query.limit);
    const rows = (query.afterEventId === undefined
      ? this.selectAll.all(owner, query.limit)
      : this.selectAfter.all(owner, toDbId(query.afterEventId, 'afterEventId'), query.limit)) as SqliteRow[];
    return rows.map(toEntry);
  }

  async remove(owner: string, eventIds: readonly string[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'outbox.remove');
    if (eventIds.length > 0) this.removeAll(owner, toDbIds(eventIds, 'eventIds'));
  }
}
