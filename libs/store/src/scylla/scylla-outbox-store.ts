/**
 * OutboxStore on Scylla/Cassandra: partition per owner (one data-service
 * instance), clustering by event id ascending. Removes of one owner go as one
 * unlogged single-partition batch. `list` with `afterEventId` starts past the
 * tombstones of entries already removed, which is how the relay reads it.
 */
import { toDbId, toDbIds } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkOutboxEntry, checkOutboxLimit } from '../outbox/outbox-records';
import type { OutboxEntry, OutboxEventKind, OutboxStore } from '../outbox/outbox-store.port';
import type { ScyllaSession } from './scylla-session';
import { idList, idText, type CqlRow } from './scylla-values';

const COLUMNS = 'owner, event_id, kind, channel_id, message_ids, value, created_at';
const REMOVES_PER_BATCH = 100;

function toEntry(row: CqlRow): OutboxEntry {
  return {
    owner: row.get('owner') as string,
    eventId: idText(row.get('event_id')),
    kind: row.get('kind') as OutboxEventKind,
    channelId: idText(row.get('channel_id')),
    messageIds: idList(row.get('message_ids')),
    value: new Uint8Array(row.get('value') as Buffer),
    createdAt: row.get('created_at') as Date,
  };
}

/** The Scylla outbox adapter. */
export class ScyllaOutboxStore implements OutboxStore {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = session.table('outbox');
    this.q = {
      put: `INSERT INTO ${t} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      all: `SELECT ${COLUMNS} FROM ${t} WHERE owner = ? LIMIT ?`,
      after: `SELECT ${COLUMNS} FROM ${t} WHERE owner = ? AND event_id > ? LIMIT ?`,
      remove: `DELETE FROM ${t} WHERE owner = ? AND event_id = ?`,
    };
  }

  async put(entry: OutboxEntry, options?: StoreCallOptions): Promise<void> {
    checkOutboxEntry(entry);
    const params = [
      entry.owner,
      toDbId(entry.eventId, 'eventId'),
      entry.kind,
      toDbId(entry.channelId, 'channelId'),
      toDbIds(entry.messageIds, 'messageIds'),
      Buffer.from(entry.value),
      entry.createdAt,
    ];
    await this.session.execute('outbox.put', 'write', this.q.put, params, options?.signal);
  }

  async list(owner: string, query: { afterEventId?: string; limit: number }, options?: StoreCallOptions): Promise<OutboxEntry[]> {
    checkOutboxLimit(query.limit);
    const result =
      query.afterEventId === undefined
        ? await this.session.execute('outbox.list', 'read', this.q.all, [owner, query.limit], options?.signal)
        : await this.session.execute('outbox.list', 'read', this.q.after, [owner, toDbId(query.afterEventId, 'afterEventId'), query.limit], options?.signal);
    return result.rows.map(toEntry);
  }

  async remove(owner: string, eventIds: readonly string[], options?: StoreCallOptions): Promise<void> {
    const ids = toDbIds(eventIds, 'eventIds');
    for (let i = 0; i < ids.length; i += REMOVES_PER_BATCH) {
      await this.session.batch(
        'outbox.remove',
        ids.slice(i, i + REMOVES_PER_BATCH).map((id) => ({ query: this.q.remove, params: [owner, id] })),
        options?.signal,
      );
    }
  }
}
