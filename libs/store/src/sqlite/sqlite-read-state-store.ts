/**
 * ReadStateStore on SQLite: one row per (user, channel) in a WITHOUT ROWID
 * table; a batch of upserts is one transaction (one fsync in WAL mode).
 */
import { throwIfAborted } from '../cancellation';
import { toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkReadState } from '../read-states/read-state-records';
import type { ReadState, ReadStateStore } from '../read-states/read-state-store.port';
import type { SqliteDatabase } from './sqlite-database';
import { dateOrNull, idText, idTextOrNull, int, ms, type SqliteRow } from './sqlite-values';

function toReadState(row: SqliteRow): ReadState {
  return {
    userId: idText(row.user_id),
    channelId: idText(row.channel_id),
    lastMessageId: idTextOrNull(row.last_message_id),
    mentionCount: int(row.mention_count),
    lastPinTimestamp: dateOrNull(row.last_pin_timestamp),
    ...(row.last_mention_id === null || row.last_mention_id === undefined ? {} : { lastMentionId: idText(row.last_mention_id) }),
  };
}

/** The SQLite read-states adapter. Shares the connection it is given. */
export class SqliteReadStateStore implements ReadStateStore {
  private readonly selectOne;
  private readonly selectUser;
  private readonly upsert;
  private readonly remove;
  private readonly upsertAll;

  constructor(private readonly db: SqliteDatabase) {
    this.selectOne = db.prepare('SELECT * FROM read_states WHERE user_id = ? AND channel_id = ?');
    this.selectUser = db.prepare('SELECT * FROM read_states WHERE user_id = ? ORDER BY channel_id');
    this.upsert = db.prepare(`INSERT INTO read_states (user_id, channel_id, last_message_id, mention_count, last_pin_timestamp, last_mention_id)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, channel_id) DO UPDATE SET last_message_id = excluded.last_message_id,
      mention_count = excluded.mention_count, last_pin_timestamp = excluded.last_pin_timestamp, last_mention_id = excluded.last_mention_id`);
    this.remove = db.prepare('DELETE FROM read_states WHERE user_id = ? AND channel_id = ?');
    this.upsertAll = db.transaction((rows: unknown[][]) => {
      for (const row of rows) this.upsert.run(...row);
    });
  }

  async get(userId: string, channelId: string, options?: StoreCallOptions): Promise<ReadState | undefined> {
    throwIfAborted(options?.signal, 'readStates.get');
    const row = this.selectOne.get(toDbId(userId, 'userId'), toDbId(channelId, 'channelId')) as SqliteRow | undefined;
    return row && toReadState(row);
  }

  async listByUser(userId: string, options?: StoreCallOptions): Promise<ReadState[]> {
    throwIfAborted(options?.signal, 'readStates.listByUser');
    return (this.selectUser.all(toDbId(userId, 'userId')) as SqliteRow[]).map(toReadState);
  }

  async upsertMany(states: readonly ReadState[], options?: StoreCallOptions): Promise<void> {
    throwIfAborted(options?.signal, 'readStates.upsertMany');
    const rows = states.map((state, index) => {
      const s = checkReadState(state, index);
      return [s.userId, s.channelId, s.lastMessageId, state.mentionCount, ms(state.lastPinTimestamp), s.lastMentionId];
    });
    if (rows.length > 0) this.upsertAll(rows);
  }

  async delete(userId: string, channelId: string, options?: StoreCallOptions): Promise<boolean> {
    throwIfAborted(options?.signal, 'readStates.delete');
    return this.remove.run(toDbId(userId, 'userId'), toDbId(channelId, 'channelId')).changes > 0;
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }
}
