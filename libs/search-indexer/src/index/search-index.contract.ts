/**
 * The contract every SearchIndex adapter passes (SQLite FTS5 in the unit
 * project, Elasticsearch in the integration project): same documents, same
 * queries, same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDocument, SearchIndex, SearchQuery } from './search-index.port';

/** A fresh, empty index, and how to dispose of it. */
export interface ContractSubject {
  index: SearchIndex;
  dispose(): Promise<void>;
}

const G = 'g:500';
const OTHER = 'g:600';

function doc(id: string, fields: Partial<MessageDocument> = {}): MessageDocument {
  return { scope: G, messageId: id, channelId: '10', guildId: '500', authorId: '1', content: '', mentionUserIds: [], has: [], version: 1, ...fields };
}

function query(fields: Partial<SearchQuery> = {}): SearchQuery {
  return { scope: G, content: '', authorIds: [], channelIds: [], mentionUserIds: [], has: [], offset: 0, limit: 25, sortBy: 'timestamp', sortOrder: 'desc', ...fields };
}

const CORPUS: MessageDocument[] = [
  doc('99', { content: 'hello world', authorId: '1', channelId: '10' }),
  doc('100', { content: 'Hello there, general Kenobi', authorId: '2', channelId: '10', mentionUserIds: ['3'] }),
  doc('1000', { content: 'see https://example.com for the world map', authorId: '1', channelId: '11', has: ['link'] }),
  doc('1001', { content: 'a picture', authorId: '3', channelId: '12', has: ['file', 'image'], mentionUserIds: ['1', '2'] }),
  doc('175928847299117063', { content: 'HELLO again world', authorId: '2', channelId: '11', has: ['embed'] }),
  doc('1002', { scope: OTHER, guildId: '600', channelId: '60', content: 'hello from another guild' }),
];

/** Registers the contract suite for one adapter. */
export function searchIndexContract(adapter: string, create: () => Promise<ContractSubject>): void {
  describe(`SearchIndex contract: ${adapter}`, () => {
    let subject: ContractSubject;
    let index: SearchIndex;
    const ids = async (q: Partial<SearchQuery>) => {
      const page = await index.search(query(q));
      return { total: page.totalResults, ids: page.hits.map((hit) => hit.messageId) };
    };

    beforeAll(async () => {
      subject = await create();
      index = subject.index;
      await index.upsertMany(CORPUS);
      await index.refresh();
    });
    afterAll(async () => {
      await subject.dispose();
    });

    it('returns every document of the scope newest first (numeric id order), with the total', async () => {
      expect(await ids({})).toEqual({ total: 5, ids: ['175928847299117063', '1001', '1000', '100', '99'] });
      expect(await ids({ sortOrder: 'asc' })).toEqual({ total: 5, ids: ['99', '100', '1000', '1001', '175928847299117063'] });
    });

    it('matches content words case-insensitively, all words required', async () => {
      expect(await ids({ content: 'hello' })).toEqual({ total: 3, ids: ['175928847299117063', '100', '99'] });
      expect(await ids({ content: 'HELLO world' })).toEqual({ total: 2, ids: ['175928847299117063', '99'] });
      expect(await ids({ content: 'kenobi' })).toEqual({ total: 1, ids: ['100'] });
      expect(await ids({ content: 'nothing-like-this' })).toEqual({ total: 0, ids: [] });
    });

    it('filters by author, channel and mentions (values of one filter ORed, filters ANDed)', async () => {
      expect(await ids({ authorIds: ['2'] })).toEqual({ total: 2, ids: ['175928847299117063', '100'] });
      expect(await ids({ authorIds: ['1', '3'] })).toEqual({ total: 3, ids: ['1001', '1000', '99'] });
      expect(await ids({ channelIds: ['11'] })).toEqual({ total: 2, ids: ['175928847299117063', '1000'] });
      expect(await ids({ mentionUserIds: ['1'] })).toEqual({ total: 1, ids: ['1001'] });
      expect(await ids({ mentionUserIds: ['3', '2'] })).toEqual({ total: 2, ids: ['1001', '100'] });
      expect(await ids({ authorIds: ['2'], channelIds: ['10'], content: 'hello' })).toEqual({ total: 1, ids: ['100'] });
    });

    it('filters by has (each kind required)', async () => {
      expect(await ids({ has: ['link'] })).toEqual({ total: 1, ids: ['1000'] });
      expect(await ids({ has: ['embed'] })).toEqual({ total: 1, ids: ['175928847299117063'] });
      expect(await ids({ has: ['file', 'image'] })).toEqual({ total: 1, ids: ['1001'] });
      expect(await ids({ has: ['file', 'link'] })).toEqual({ total: 0, ids: [] });
    });

    it('bounds by min_id and max_id, both exclusive', async () => {
      expect(await ids({ minId: '100' })).toEqual({ total: 3, ids: ['175928847299117063', '1001', '1000'] });
      expect(await ids({ maxId: '1000' })).toEqual({ total: 2, ids: ['100', '99'] });
      expect(await ids({ minId: '99', maxId: '1001' })).toEqual({ total: 2, ids: ['1000', '100'] });
    });

    it('applies allowed channels in the query, so the total counts only viewable hits', async () => {
      expect(await ids({ allowedChannelIds: ['10', '12'] })).toEqual({ total: 3, ids: ['1001', '100', '99'] });
      expect(await ids({ allowedChannelIds: ['10'], channelIds: ['11'] })).toEqual({ total: 0, ids: [] });
      expect(await ids({ allowedChannelIds: [] })).toEqual({ total: 0, ids: [] });
    });

    it('pages with offset and limit; the total stays the same', async () => {
      expect(await ids({ limit: 2 })).toEqual({ total: 5, ids: ['175928847299117063', '1001'] });
      expect(await ids({ limit: 2, offset: 2 })).toEqual({ total: 5, ids: ['1000', '100'] });
      expect(await ids({ limit: 2, offset: 4 })).toEqual({ total: 5, ids: ['99'] });
      expect(await ids({ limit: 2, offset: 10 })).toEqual({ total: 5, ids: [] });
    });

    it('keeps scopes apart and returns channel and guild with each hit', async () => {
      expect((await index.search(query({ scope: OTHER, content: 'hello' }))).hits).toEqual([{ messageId: '1002', channelId: '60', guildId: '600' }]);
      expect((await index.search(query({ scope: 'g:700' }))).totalResults).toBe(0);
    });

    it('is idempotent: indexing the same documents again changes nothing', async () => {
      const before = { all: await ids({}), hello: await ids({ content: 'hello' }), count: await index.countDocuments() };
      await index.upsertMany(CORPUS);
      await index.upsertMany(CORPUS.slice(0, 2));
      await index.refresh();
      expect({ all: await ids({}), hello: await ids({ content: 'hello' }), count: await index.countDocuments() }).toEqual(before);
      expect(before.count).toBe(6);
    });

    it('applies a newer version and ignores an older one arriving late', async () => {
      const scope = 'g:801';
      await index.upsertMany([doc('5000', { scope, content: 'first draft', version: 10 })]);
      await index.upsertMany([doc('5000', { scope, content: 'second draft', version: 20 })]);
      await index.upsertMany([doc('5000', { scope, content: 'first draft', version: 10 })]);
      await index.refresh();
      expect(await ids({ scope, content: 'second' })).toEqual({ total: 1, ids: ['5000'] });
      expect(await ids({ scope, content: 'first' })).toEqual({ total: 0, ids: [] });
    });

    it('deletes with a tombstone: a late create or update does not resurrect the message', async () => {
      const scope = 'g:802';
      await index.upsertMany([doc('6000', { scope, content: 'doomed message' }), doc('6001', { scope, content: 'kept message' })]);
      await index.deleteMany([{ scope, messageId: '6000', channelId: '10' }]);
      await index.upsertMany([doc('6000', { scope, content: 'doomed message', version: 1 }), doc('6000', { scope, content: 'doomed edited', version: 99 })]);
      // A delete that arrives before the create (both in one batch, applied in any order).
      await index.deleteMany([{ scope, messageId: '6002', channelId: '10' }]);
      await index.upsertMany([doc('6002', { scope, content: 'never seen' })]);
      await index.deleteMany([{ scope, messageId: '6000', channelId: '10' }]);
      await index.refresh();
      expect(await ids({ scope })).toEqual({ total: 1, ids: ['6001'] });
      expect(await ids({ scope, content: 'doomed' })).toEqual({ total: 0, ids: [] });
    });

    it('indexes a DM under each participant: each user searches all of their DMs', async () => {
      const dm = (scope: string, id: string, channelId: string, content: string): MessageDocument => ({ scope, messageId: id, channelId, authorId: '1', content, mentionUserIds: [], has: [], version: 1 });
      await index.upsertMany([dm('u:1', '7000', '70', 'lunch at noon'), dm('u:2', '7000', '70', 'lunch at noon'), dm('u:1', '7001', '71', 'lunch tomorrow'), dm('u:3', '7001', '71', 'lunch tomorrow')]);
      await index.refresh();
      expect(await ids({ scope: 'u:1', content: 'lunch' })).toEqual({ total: 2, ids: ['7001', '7000'] });
      expect(await ids({ scope: 'u:2', content: 'lunch' })).toEqual({ total: 1, ids: ['7000'] });
      expect((await index.search(query({ scope: 'u:3' }))).hits).toEqual([{ messageId: '7001', channelId: '71' }]);
    });
  });
}
