/**
 * The one contract every MessageStore adapter must pass (SQLite in the unit
 * project, Cassandra in the integration project). Each test uses its own
 * channel, so one store instance serves the whole suite.
 */
import { CancelledError, ConflictError, InvalidArgumentError, NotFoundError } from '@chat/errors';
import { composeSnowflake, DISCORD_EPOCH_MS } from '@chat/snowflake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStore, NewMessage, StoredMessage } from './message-store.port';

/** What a contract run needs from an adapter. */
export interface MessageStoreFixture {
  store: MessageStore;
  /** Database round trips so far, when the adapter can count them (the bucket tests then bound them). */
  queryCount?: () => number;
  /** Cleans up after `store.close()` (drop a keyspace, close a shared database). */
  dispose?: () => Promise<void>;
}

/** Ten days, the Scylla adapter's bucket width; the contract puts messages on both sides of its edges. */
const BUCKET_MS = 10 * 24 * 60 * 60 * 1000;
/** Start of bucket 1000 (2042-05-19): far from "now", so nothing else lives there. */
const BASE_MS = DISCORD_EPOCH_MS + 1000 * BUCKET_MS;

let channelCounter = 0;
function newChannelId(): string {
  channelCounter += 1;
  return composeSnowflake({ timestampMs: Date.now(), workerId: 7, processId: 3, increment: channelCounter % 4096 });
}

/** The id of a message made at `ms` (increment distinguishes ids of one millisecond). */
function idAt(ms: number, increment = 0): string {
  return composeSnowflake({ timestampMs: ms, workerId: 1, processId: 1, increment });
}

function message(channelId: string, id: string, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    id,
    channelId,
    guildId: '80351110224678912',
    authorId: '80351110224678913',
    content: `message ${id}`,
    tts: false,
    mentionEveryone: false,
    mentionUserIds: [],
    mentionRoleIds: [],
    attachmentsJson: '[]',
    embedsJson: '[]',
    nonce: null,
    type: 0,
    flags: 0,
    reference: null,
    ...extra,
  };
}

const ids = (page: StoredMessage[]) => page.map((m) => m.id);

/** A Discord poll object as a message stores it (non-ASCII included). */
const POLL_JSON = '{"question":{"text":"Lunch?"},"answers":[{"answer_id":1,"poll_media":{"text":"Pizza","emoji":{"name":"🍕"}}},{"answer_id":2,"poll_media":{"text":"Soup"}}],"expiry":"2042-05-20T10:00:00.000000+00:00","allow_multiselect":false,"layout_type":1}';

/**
 * Registers the messages contract for one adapter.
 *
 * @param name shown in the test names, e.g. "sqlite".
 * @param makeFixture opens a fresh, empty store (called once per suite).
 */
export function describeMessageStoreContract(name: string, makeFixture: () => Promise<MessageStoreFixture>): void {
  describe(`MessageStore contract: ${name}`, () => {
    let fixture: MessageStoreFixture;
    let store: MessageStore;

    beforeAll(async () => {
      fixture = await makeFixture();
      store = fixture.store;
    });
    afterAll(async () => {
      await fixture?.store.close();
      await fixture?.dispose?.();
    });

    /** Creates messages at the given times, in order; returns their ids. */
    async function seed(channelId: string, times: number[]): Promise<string[]> {
      const made: string[] = [];
      for (const [index, ms] of times.entries()) {
        const id = idAt(ms, index % 4096);
        await store.create(message(channelId, id));
        made.push(id);
      }
      return made;
    }

    describe('create and get', () => {
      it('stores every field and derives createdAt from the id', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 1234);
        const created = await store.create(
          message(channelId, id, {
            guildId: null,
            content: 'héllo <@80351110224678914> 🎉',
            tts: true,
            mentionEveryone: true,
            mentionUserIds: ['80351110224678914', '9223372036854775807'],
            mentionRoleIds: ['80351110224678915'],
            attachmentsJson: '[{"id":"1","filename":"a.png"}]',
            embedsJson: '[{"title":"t"}]',
            nonce: 'n-1',
            pinned: true,
            type: 19,
            flags: 4,
            reference: { messageId: '80351110224678916', channelId, guildId: null },
            componentsJson: '[{"type":1,"components":[{"type":2,"style":1,"label":"Go","custom_id":"go"}]}]',
            origin: { webhookId: '80351110224678917', applicationId: '80351110224678918', interactionMetadataJson: '{"id":"1","type":2}', authorOverride: { username: 'Hook', avatar: null } },
            pollJson: POLL_JSON,
          }),
        );
        const expected: StoredMessage = {
          id,
          channelId,
          guildId: null,
          authorId: '80351110224678913',
          content: 'héllo <@80351110224678914> 🎉',
          createdAt: new Date(BASE_MS + 1234),
          editedAt: null,
          tts: true,
          mentionEveryone: true,
          mentionUserIds: ['80351110224678914', '9223372036854775807'],
          mentionRoleIds: ['80351110224678915'],
          attachmentsJson: '[{"id":"1","filename":"a.png"}]',
          embedsJson: '[{"title":"t"}]',
          nonce: 'n-1',
          pinned: true,
          type: 19,
          flags: 4,
          reference: { messageId: '80351110224678916', channelId, guildId: null },
          componentsJson: '[{"type":1,"components":[{"type":2,"style":1,"label":"Go","custom_id":"go"}]}]',
          origin: { webhookId: '80351110224678917', applicationId: '80351110224678918', interactionMetadataJson: '{"id":"1","type":2}', authorOverride: { username: 'Hook', avatar: null } },
          pollJson: POLL_JSON,
        };
        expect(created).toEqual(expected);
        expect(await store.get(channelId, id)).toEqual(expected);
      });

      it('defaults pinned to false and keeps a guild id and a reference with a guild', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 5);
        const ref = { messageId: idAt(BASE_MS + 1), channelId, guildId: '80351110224678912' };
        const created = await store.create(message(channelId, id, { reference: ref }));
        expect(created.pinned).toBe(false);
        expect(created.pollJson).toBeNull();
        expect((await store.get(channelId, id))?.pollJson).toBeNull();
        expect(created.guildId).toBe('80351110224678912');
        expect(created.reference).toEqual(ref);
      });

      it('rejects a duplicate id with a ConflictError and keeps the first', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS);
        await store.create(message(channelId, id, { content: 'first' }));
        await expect(store.create(message(channelId, id, { content: 'second' }))).rejects.toBeInstanceOf(ConflictError);
        expect((await store.get(channelId, id))?.content).toBe('first');
      });

      it('returns undefined for an unknown message and does not mix channels', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 77);
        await store.create(message(channelId, id));
        expect(await store.get(channelId, idAt(BASE_MS + 78))).toBeUndefined();
        expect(await store.get(newChannelId(), id)).toBeUndefined();
      });

      it('rejects malformed ids and ids at or past 2^63 with an InvalidArgumentError', async () => {
        const channelId = newChannelId();
        await expect(store.create(message(channelId, 'abc'))).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.create(message(channelId, '9223372036854775808'))).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.create(message('0123', idAt(BASE_MS)))).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.get(channelId, '-1')).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('history in one bucket', () => {
      let channelId: string;
      let m: string[];
      beforeAll(async () => {
        channelId = newChannelId();
        m = await seed(channelId, Array.from({ length: 10 }, (_, i) => BASE_MS + 10 * BUCKET_MS + i * 1000));
      });
      const pick = (...indexes: number[]) => indexes.map((i) => m[i]);

      it('returns the newest page newest first', async () => {
        expect(ids(await store.history({ channelId, limit: 3 }))).toEqual(pick(9, 8, 7));
        expect(ids(await store.history({ channelId, limit: 100 }))).toEqual(pick(9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
      });

      it('before: strictly older, newest first', async () => {
        expect(ids(await store.history({ channelId, limit: 3, before: m[5] }))).toEqual(pick(4, 3, 2));
        expect(ids(await store.history({ channelId, limit: 50, before: m[2] }))).toEqual(pick(1, 0));
        expect(await store.history({ channelId, limit: 50, before: m[0] })).toEqual([]);
      });

      it('before an id newer than everything is the newest page', async () => {
        const future = idAt(BASE_MS + 10 * BUCKET_MS + 10 * 1000);
        expect(ids(await store.history({ channelId, limit: 2, before: future }))).toEqual(pick(9, 8));
      });

      it('after: the oldest `limit` strictly newer, returned newest first', async () => {
        expect(ids(await store.history({ channelId, limit: 3, after: m[5] }))).toEqual(pick(8, 7, 6));
        expect(ids(await store.history({ channelId, limit: 50, after: m[7] }))).toEqual(pick(9, 8));
        expect(await store.history({ channelId, limit: 50, after: m[9] })).toEqual([]);
        const past = idAt(BASE_MS + 10 * BUCKET_MS - 1);
        expect(ids(await store.history({ channelId, limit: 2, after: past }))).toEqual(pick(1, 0));
      });

      it('around: ceil(limit/2) at or before the anchor and floor(limit/2) after it', async () => {
        expect(ids(await store.history({ channelId, limit: 4, around: m[5] }))).toEqual(pick(7, 6, 5, 4));
        expect(ids(await store.history({ channelId, limit: 5, around: m[5] }))).toEqual(pick(7, 6, 5, 4, 3));
        expect(ids(await store.history({ channelId, limit: 1, around: m[5] }))).toEqual(pick(5));
        expect(ids(await store.history({ channelId, limit: 6, around: m[0] }))).toEqual(pick(3, 2, 1, 0));
        expect(ids(await store.history({ channelId, limit: 6, around: m[9] }))).toEqual(pick(9, 8, 7));
        expect(ids(await store.history({ channelId, limit: 100, around: m[4] }))).toEqual(ids(await store.history({ channelId, limit: 100 })));
      });

      it('around an id that is not a message centres on where it would be', async () => {
        const between = idAt(BASE_MS + 10 * BUCKET_MS + 5 * 1000 + 500);
        expect(ids(await store.history({ channelId, limit: 4, around: between }))).toEqual(pick(7, 6, 5, 4));
      });

      it('an empty or unknown channel has no history', async () => {
        expect(await store.history({ channelId: newChannelId(), limit: 50 })).toEqual([]);
        expect(await store.history({ channelId: newChannelId(), limit: 50, before: m[5] })).toEqual([]);
        expect(await store.history({ channelId: newChannelId(), limit: 50, after: m[5] })).toEqual([]);
        expect(await store.history({ channelId: newChannelId(), limit: 50, around: m[5] })).toEqual([]);
      });
    });

    describe('history validation', () => {
      it.each([0, 101, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects limit %s with an InvalidArgumentError', async (limit) => {
        await expect(store.history({ channelId: newChannelId(), limit })).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      it('accepts the limits 1 and 100', async () => {
        await expect(store.history({ channelId: newChannelId(), limit: 1 })).resolves.toEqual([]);
        await expect(store.history({ channelId: newChannelId(), limit: 100 })).resolves.toEqual([]);
      });

      it('rejects two anchors and malformed anchors', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS);
        await expect(store.history({ channelId, limit: 5, before: id, after: id })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.history({ channelId, limit: 5, before: 'x' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.history({ channelId, limit: 5, around: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.history({ channelId: 'nope', limit: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    describe('bucket edges', () => {
      it('a page that spans several buckets is ordered across their edges', async () => {
        const channelId = newChannelId();
        const times: number[] = [];
        for (let bucket = 20; bucket < 24; bucket += 1) {
          const start = BASE_MS + bucket * BUCKET_MS;
          times.push(start, start + 1, start + BUCKET_MS - 1);
        }
        const m = await seed(channelId, times);
        const newestFirst = [...m].reverse();
        expect(ids(await store.history({ channelId, limit: 100 }))).toEqual(newestFirst);
        expect(ids(await store.history({ channelId, limit: 7 }))).toEqual(newestFirst.slice(0, 7));
        expect(ids(await store.history({ channelId, limit: 5, before: m[6] }))).toEqual([m[5], m[4], m[3], m[2], m[1]]);
        expect(ids(await store.history({ channelId, limit: 5, after: m[2] }))).toEqual([m[7], m[6], m[5], m[4], m[3]]);
        expect(ids(await store.history({ channelId, limit: 4, around: m[3] }))).toEqual([m[5], m[4], m[3], m[2]]);
        expect(ids(await store.history({ channelId, limit: 3, around: m[2] }))).toEqual([m[3], m[2], m[1]]);
      });

      it('reaches the oldest message across a gap of empty buckets, without scanning past the first', async () => {
        const channelId = newChannelId();
        const first = BASE_MS + 100 * BUCKET_MS + 42;
        const m = await seed(channelId, [first, first + 1, first + 5 * BUCKET_MS, first + 50 * BUCKET_MS]);
        const before = fixture.queryCount?.() ?? 0;
        expect(ids(await store.history({ channelId, limit: 100 }))).toEqual([m[3], m[2], m[1], m[0]]);
        const latestQueries = (fixture.queryCount?.() ?? 0) - before;

        const mark = fixture.queryCount?.() ?? 0;
        expect(ids(await store.history({ channelId, limit: 100, before: m[0] }))).toEqual([]);
        const pastFirstQueries = (fixture.queryCount?.() ?? 0) - mark;

        const mark2 = fixture.queryCount?.() ?? 0;
        expect(ids(await store.history({ channelId, limit: 100, after: idAt(first - 1) }))).toEqual([m[3], m[2], m[1], m[0]]);
        const afterQueries = (fixture.queryCount?.() ?? 0) - mark2;

        expect(ids(await store.history({ channelId, limit: 2, before: m[3] }))).toEqual([m[2], m[1]]);
        expect(ids(await store.history({ channelId, limit: 2, after: m[1] }))).toEqual([m[3], m[2]]);
        expect(ids(await store.history({ channelId, limit: 3, around: m[2] }))).toEqual([m[3], m[2], m[1]]);
        if (fixture.queryCount) {
          // Three non-empty buckets: a bucket lookup plus one query each, not 51 buckets' worth.
          expect(latestQueries).toBeLessThanOrEqual(5);
          expect(afterQueries).toBeLessThanOrEqual(5);
          expect(pastFirstQueries).toBeLessThanOrEqual(2);
        }
      });

      it('finds a channel whose only message is years old with a bounded number of queries', async () => {
        const channelId = newChannelId();
        const [only] = await seed(channelId, [DISCORD_EPOCH_MS + 30 * BUCKET_MS + 7]);
        const before = fixture.queryCount?.() ?? 0;
        expect(ids(await store.history({ channelId, limit: 50 }))).toEqual([only]);
        expect(ids(await store.history({ channelId, limit: 50, before: idAt(Date.now()) }))).toEqual([only]);
        // Two pages: a bucket lookup and one partition each, plus the empty anchor bucket of "now".
        if (fixture.queryCount) expect(fixture.queryCount() - before).toBeLessThanOrEqual(6);
      });

      it('the first message of a channel: before and after it are empty, around it is itself', async () => {
        const channelId = newChannelId();
        const [only] = await seed(channelId, [BASE_MS + 200 * BUCKET_MS]);
        expect(ids(await store.history({ channelId, limit: 1 }))).toEqual([only]);
        expect(await store.history({ channelId, limit: 10, before: only })).toEqual([]);
        expect(await store.history({ channelId, limit: 10, after: only })).toEqual([]);
        expect(ids(await store.history({ channelId, limit: 10, around: only }))).toEqual([only]);
        const older = await seed(channelId, [BASE_MS + 190 * BUCKET_MS]);
        expect(ids(await store.history({ channelId, limit: 10 }))).toEqual([only, older[0]]);
        expect(ids(await store.history({ channelId, limit: 10, before: only }))).toEqual([older[0]]);
      });
    });

    describe('edit', () => {
      it('changes only the patched fields and sets editedAt', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 300 * BUCKET_MS);
        const original = await store.create(message(channelId, id, { mentionUserIds: ['1'], embedsJson: '[{"a":1}]' }));
        const editedAt = new Date(BASE_MS + 300 * BUCKET_MS + 60_000);
        const edited = await store.edit(channelId, id, { content: 'edited', pinned: true, mentionUserIds: [], editedAt });
        expect(edited).toEqual({ ...original, content: 'edited', pinned: true, mentionUserIds: [], editedAt });
        expect(await store.get(channelId, id)).toEqual(edited);
        const again = await store.edit(channelId, id, { embedsJson: '[]', attachmentsJson: '[{"id":"2"}]', componentsJson: '[{"type":1,"components":[]}]', flags: 4, mentionEveryone: true, mentionRoleIds: ['5'], editedAt });
        expect(again).toEqual({ ...edited, embedsJson: '[]', attachmentsJson: '[{"id":"2"}]', componentsJson: '[{"type":1,"components":[]}]', flags: 4, mentionEveryone: true, mentionRoleIds: ['5'] });
      });

      it('pins without marking an edit: editedAt stays as it was when the patch leaves it out', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 303 * BUCKET_MS);
        const original = await store.create(message(channelId, id));
        const pinned = await store.edit(channelId, id, { pinned: true });
        expect(pinned).toEqual({ ...original, pinned: true, editedAt: null });
        const editedAt = new Date(BASE_MS + 303 * BUCKET_MS + 1000);
        await store.edit(channelId, id, { content: 'later', editedAt });
        expect(await store.edit(channelId, id, { pinned: false })).toMatchObject({ pinned: false, content: 'later', editedAt });
      });

      it('rewrites a poll (ended early) and keeps it through other edits; editedAt stays when the patch leaves it out', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 304 * BUCKET_MS);
        const original = await store.create(message(channelId, id, { content: '', pollJson: POLL_JSON }));
        expect(original.pollJson).toBe(POLL_JSON);
        const ended = POLL_JSON.replace('2042-05-20T10:00:00.000000+00:00', '2042-05-19T12:00:00.000000+00:00');
        const rewritten = await store.edit(channelId, id, { pollJson: ended });
        expect(rewritten).toEqual({ ...original, pollJson: ended, editedAt: null });
        expect(await store.get(channelId, id)).toEqual(rewritten);
        const editedAt = new Date(BASE_MS + 304 * BUCKET_MS + 1000);
        const edited = await store.edit(channelId, id, { content: 'now with text', flags: 4, editedAt });
        expect(edited).toEqual({ ...rewritten, content: 'now with text', flags: 4, editedAt });
        expect((await store.history({ channelId, limit: 1 }))[0]?.pollJson).toBe(ended);
        expect((await store.getMany(channelId, [id]))[0]?.pollJson).toBe(ended);
      });

      it('throws a NotFoundError for an unknown message and does not create it', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 301 * BUCKET_MS);
        await expect(store.edit(channelId, id, { content: 'x', editedAt: new Date() })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.get(channelId, id)).toBeUndefined();
        expect(await store.history({ channelId, limit: 10 })).toEqual([]);
      });

      it('throws a NotFoundError for a deleted message and does not bring it back', async () => {
        const channelId = newChannelId();
        const id = idAt(BASE_MS + 302 * BUCKET_MS);
        await store.create(message(channelId, id));
        expect(await store.delete(channelId, id)).toBe(true);
        await expect(store.edit(channelId, id, { content: 'zombie', editedAt: new Date() })).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.get(channelId, id)).toBeUndefined();
      });
    });

    describe('delete, bulk delete, getMany', () => {
      it('delete is true once, then false', async () => {
        const channelId = newChannelId();
        const [a, b] = await seed(channelId, [BASE_MS + 400 * BUCKET_MS, BASE_MS + 400 * BUCKET_MS + 1]);
        expect(await store.delete(channelId, a as string)).toBe(true);
        expect(await store.delete(channelId, a as string)).toBe(false);
        expect(ids(await store.history({ channelId, limit: 10 }))).toEqual([b]);
      });

      it('bulk delete removes the listed messages across buckets and returns those that existed', async () => {
        const channelId = newChannelId();
        const start = BASE_MS + 410 * BUCKET_MS;
        const m = await seed(channelId, [start, start + 1, start + BUCKET_MS, start + BUCKET_MS + 1, start + 3 * BUCKET_MS]);
        const missing = idAt(start + 2);
        const deleted = await store.bulkDelete(channelId, [m[0] as string, m[2] as string, missing, m[4] as string, m[0] as string]);
        expect([...deleted].sort()).toEqual([m[0], m[2], m[4]].sort());
        expect(ids(await store.history({ channelId, limit: 10 }))).toEqual([m[3], m[1]]);
        expect(await store.bulkDelete(channelId, [])).toEqual([]);
        expect(await store.bulkDelete(channelId, [m[0] as string])).toEqual([]);
      });

      it('bulk delete leaves other channels alone', async () => {
        const a = newChannelId();
        const b = newChannelId();
        const id = idAt(BASE_MS + 420 * BUCKET_MS);
        await store.create(message(a, id));
        await store.create(message(b, id));
        expect(await store.bulkDelete(a, [id])).toEqual([id]);
        expect(await store.get(b, id)).toBeDefined();
      });

      it('getMany returns the existing ones of this channel, newest first', async () => {
        const channelId = newChannelId();
        const other = newChannelId();
        const start = BASE_MS + 430 * BUCKET_MS;
        const m = await seed(channelId, [start, start + 1, start + 2 * BUCKET_MS]);
        const foreign = idAt(start + 3);
        await store.create(message(other, foreign));
        const got = await store.getMany(channelId, [m[0] as string, foreign, m[2] as string, idAt(start + 9), m[1] as string]);
        expect(ids(got)).toEqual([m[2], m[1], m[0]]);
        expect(got[0]?.content).toBe(`message ${m[2]}`);
        expect(await store.getMany(channelId, [])).toEqual([]);
      });
    });

    describe('cancellation', () => {
      it('rejects with a CancelledError when the signal has already fired', async () => {
        const controller = new AbortController();
        controller.abort();
        const channelId = newChannelId();
        await expect(store.history({ channelId, limit: 5 }, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
        await expect(store.create(message(channelId, idAt(BASE_MS)), { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
        expect(await store.get(channelId, idAt(BASE_MS))).toBeUndefined();
      });
    });
  });
}
