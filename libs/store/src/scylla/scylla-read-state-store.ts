/**
 * ReadStateStore on Scylla: partition per user, row per channel. A batch is
 * deduplicated (last entry per key wins), grouped by user, and written as one
 * unlogged batch per user partition (at most 100 rows each), several users in
 * parallel: single-partition batches are atomic and cheap, multi-partition
 * ones would make one coordinator talk to many replicas.
 */
import { throwIfAborted } from '../cancellation';
import { toDbId } from '../ids';
import type { StoreCallOptions } from '../messages/message-store.port';
import { checkReadState } from '../read-states/read-state-records';
import type { ReadState, ReadStateStore } from '../read-states/read-state-store.port';
import type { BatchEntry, ScyllaSession } from './scylla-session';
import { dateOrNull, idText, idTextOrNull, intOr, type CqlRow } from './scylla-values';

const ROWS_PER_BATCH = 100;
const PARALLEL_BATCHES = 16;

function toReadState(row: CqlRow): ReadState {
  return {
    userId: idText(row.get('user_id')),
    channelId: idText(row.get('channel_id')),
    lastMessageId: idTextOrNull(row.get('last_message_id')),
    mentionCount: intOr(row.get('mention_count'), 0),
    lastPinTimestamp: dateOrNull(row.get('last_pin_timestamp')),
    ...(row.get('last_mention_id') === null || row.get('last_mention_id') === undefined ? {} : { lastMentionId: idText(row.get('last_mention_id')) }),
  };
}

/** The Scylla read-states adapter. */
export class ScyllaReadStateStore implements ReadStateStore {
  private readonly q;

  constructor(private readonly session: ScyllaSession) {
    const t = session.table('read_states');
    const cols = 'user_id, channel_id, last_message_id, mention_count, last_pin_timestamp, last_mention_id';
    this.q = {
      one: `SELECT ${cols} FROM ${t} WHERE user_id = ? AND channel_id = ?`,
      user: `SELECT ${cols} FROM ${t} WHERE user_id = ?`,
      put: `INSERT INTO ${t} (${cols}) VALUES (?, ?, ?, ?, ?, ?)`,
      remove: `DELETE FROM ${t} WHERE user_id = ? AND channel_id = ?`,
    };
  }

  async get(userId: string, channelId: string, options?: StoreCallOptions): Promise<ReadState | undefined> {
    const result = await this.session.execute('readStates.get', 'read', this.q.one, [toDbId(userId, 'userId'), toDbId(channelId, 'channelId')], options?.signal);
    const row = result.first();
    return row ? toReadState(row) : undefined;
  }

  async listByUser(userId: string, options?: StoreCallOptions): Promise<ReadState[]> {
    return (await this.session.readAll('readStates.listByUser', this.q.user, [toDbId(userId, 'userId')], options?.signal)).map(toReadState);
  }

  async upsertMany(states: readonly ReadState[], options?: StoreCallOptions): Promise<void> {
    const signal = options?.signal;
    const latest = new Map<string, unknown[]>();
    states.forEach((state, index) => {
      const s = checkReadState(state, index);
      latest.set(`${s.userId}:${s.channelId}`, [s.userId, s.channelId, s.lastMessageId, state.mentionCount, state.lastPinTimestamp, s.lastMentionId]);
    });
    throwIfAborted(signal, 'readStates.upsertMany');
    const byUser = new Map<bigint, BatchEntry[]>();
    for (const params of latest.values()) {
      const user = params[0] as bigint;
      const list = byUser.get(user) ?? [];
      list.push({ query: this.q.put, params });
      byUser.set(user, list);
    }
    const batches: BatchEntry[][] = [];
    for (const entries of byUser.values()) {
      for (let i = 0; i < entries.length; i += ROWS_PER_BATCH) batches.push(entries.slice(i, i + ROWS_PER_BATCH));
    }
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as BatchEntry[];
        await this.session.batch('readStates.upsertMany', batch, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
  }

  async delete(userId: string, channelId: string, options?: StoreCallOptions): Promise<boolean> {
    const key = [toDbId(userId, 'userId'), toDbId(channelId, 'channelId')];
    const existing = await this.session.execute('readStates.delete', 'read', this.q.one, key, options?.signal);
    if (!existing.first()) return false;
    await this.session.execute('readStates.delete', 'write', this.q.remove, key, options?.signal);
    return true;
  }

  async close(): Promise<void> {
    // The connection is shared by every port; the Store returned by openStore closes it.
  }
}
