/**
 * The embedded search index: SQLite with FTS5 (compiled into better-sqlite3).
 * One table of documents keyed by (scope, id sort key) holds the filters;
 * an FTS5 table with the same rowid holds the content. Tombstones stay in
 * the documents table with `deleted = 1` and no FTS row.
 */
import Database from 'better-sqlite3';
import { IndexWriteError } from '../errors';
import { contentTerms } from './search-query';
import { idSortKey, type DocumentRef, type HasKind, type MessageDocument, type SearchIndex, type SearchPage, type SearchQuery } from './search-index.port';

/** Options of {@link SqliteSearchIndex}. */
export interface SqliteSearchIndexOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** Cell name reported in errors; default 'local'. */
  cell?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS search_docs (
  scope TEXT NOT NULL,
  sort_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  guild_id TEXT,
  author_id TEXT NOT NULL,
  mentions TEXT NOT NULL,
  has TEXT NOT NULL,
  version INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, sort_key)
);
CREATE INDEX IF NOT EXISTS search_docs_channel ON search_docs (scope, channel_id, sort_key);
CREATE VIRTUAL TABLE IF NOT EXISTS search_content USING fts5 (content, tokenize = 'unicode61');
`;

interface DocRow {
  rowid: number;
  version: number;
  deleted: number;
}

/** Space-delimited list so `LIKE '% id %'` matches one element exactly. */
function spaced(values: readonly string[]): string {
  return values.length === 0 ? ' ' : ` ${values.join(' ')} `;
}

/** The FTS5 query for content: every word, quoted (so no FTS syntax leaks in), ANDed. */
function ftsQuery(content: string): string | undefined {
  const terms = contentTerms(content);
  return terms.length === 0 ? undefined : terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' ');
}

/** SearchIndex on SQLite FTS5: the embedded default's single cell. */
export class SqliteSearchIndex implements SearchIndex {
  readonly cell: string;
  private readonly db: Database.Database;
  private readonly find: Database.Statement<[string, string], DocRow>;
  private readonly insertDoc: Database.Statement;
  private readonly updateDoc: Database.Statement;
  private readonly insertContent: Database.Statement;
  private readonly deleteContent: Database.Statement;
  private readonly tombstone: Database.Statement;
  private readonly insertTombstone: Database.Statement;

  constructor(options: SqliteSearchIndexOptions) {
    this.cell = options.cell ?? 'local';
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.find = this.db.prepare('SELECT rowid, version, deleted FROM search_docs WHERE scope = ? AND sort_key = ?');
    this.insertDoc = this.db.prepare(
      'INSERT INTO search_docs (scope, sort_key, message_id, channel_id, guild_id, author_id, mentions, has, version) VALUES (@scope, @sortKey, @messageId, @channelId, @guildId, @authorId, @mentions, @has, @version)',
    );
    this.updateDoc = this.db.prepare('UPDATE search_docs SET author_id = @authorId, mentions = @mentions, has = @has, version = @version WHERE rowid = @rowid');
    this.insertContent = this.db.prepare('INSERT INTO search_content (rowid, content) VALUES (?, ?)');
    this.deleteContent = this.db.prepare('DELETE FROM search_content WHERE rowid = ?');
    this.tombstone = this.db.prepare('UPDATE search_docs SET deleted = 1 WHERE rowid = ?');
    this.insertTombstone = this.db.prepare(
      "INSERT INTO search_docs (scope, sort_key, message_id, channel_id, guild_id, author_id, mentions, has, version, deleted) VALUES (?, ?, ?, ?, NULL, '', ' ', ' ', 0, 1)",
    );
  }

  async upsertMany(documents: readonly MessageDocument[]): Promise<void> {
    this.write(documents.length, () => {
      for (const doc of documents) {
        const row = this.find.get(doc.scope, idSortKey(doc.messageId));
        const fields = { authorId: doc.authorId, mentions: spaced(doc.mentionUserIds), has: spaced(doc.has), version: doc.version };
        if (!row) {
          const inserted = this.insertDoc.run({ ...fields, scope: doc.scope, sortKey: idSortKey(doc.messageId), messageId: doc.messageId, channelId: doc.channelId, guildId: doc.guildId ?? null });
          this.insertContent.run(inserted.lastInsertRowid, doc.content);
        } else if (row.deleted === 0 && row.version <= doc.version) {
          this.updateDoc.run({ ...fields, rowid: row.rowid });
          this.deleteContent.run(row.rowid);
          this.insertContent.run(row.rowid, doc.content);
        }
      }
    });
  }

  async deleteMany(refs: readonly DocumentRef[]): Promise<void> {
    this.write(refs.length, () => {
      for (const ref of refs) {
        const row = this.find.get(ref.scope, idSortKey(ref.messageId));
        if (!row) this.insertTombstone.run(ref.scope, idSortKey(ref.messageId), ref.messageId, ref.channelId);
        else if (row.deleted === 0) {
          this.tombstone.run(row.rowid);
          this.deleteContent.run(row.rowid);
        }
      }
    });
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const where: string[] = ['d.scope = ?', 'd.deleted = 0'];
    const params: unknown[] = [query.scope];
    const inList = (column: string, values: readonly string[]) => {
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    if (query.allowedChannelIds) {
      if (query.allowedChannelIds.length === 0) return { totalResults: 0, hits: [] };
      inList('d.channel_id', query.allowedChannelIds);
    }
    if (query.channelIds.length > 0) inList('d.channel_id', query.channelIds);
    if (query.authorIds.length > 0) inList('d.author_id', query.authorIds);
    if (query.mentionUserIds.length > 0) {
      where.push(`(${query.mentionUserIds.map(() => 'd.mentions LIKE ?').join(' OR ')})`);
      params.push(...query.mentionUserIds.map((id) => `% ${id} %`));
    }
    for (const kind of query.has) {
      where.push('d.has LIKE ?');
      params.push(`% ${kind satisfies HasKind} %`);
    }
    if (query.minId !== undefined) {
      where.push('d.sort_key > ?');
      params.push(idSortKey(query.minId));
    }
    if (query.maxId !== undefined) {
      where.push('d.sort_key < ?');
      params.push(idSortKey(query.maxId));
    }
    const match = ftsQuery(query.content);
    const from = match ? 'search_docs d JOIN search_content c ON c.rowid = d.rowid AND search_content MATCH ?' : 'search_docs d';
    const allParams = match ? [match, ...params] : params;
    const filter = `FROM ${from} WHERE ${where.join(' AND ')}`;
    const total = this.db.prepare(`SELECT count(*) AS n ${filter}`).get(...allParams) as { n: number };
    const direction = query.sortOrder === 'asc' ? 'ASC' : 'DESC';
    // bm25() is lower for better matches: "most relevant first" is ascending bm25.
    const order = match && query.sortBy === 'relevance' ? `bm25(search_content) ${direction === 'DESC' ? 'ASC' : 'DESC'}, d.sort_key DESC` : `d.sort_key ${direction}`;
    const rows = this.db
      .prepare(`SELECT d.message_id AS messageId, d.channel_id AS channelId, d.guild_id AS guildId ${filter} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...allParams, query.limit, query.offset) as { messageId: string; channelId: string; guildId: string | null }[];
    return { totalResults: total.n, hits: rows.map((row) => ({ messageId: row.messageId, channelId: row.channelId, ...(row.guildId !== null ? { guildId: row.guildId } : {}) })) };
  }

  async countDocuments(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM search_docs WHERE deleted = 0').get() as { n: number }).n;
  }

  async refresh(): Promise<void> {
    // Writes are visible as soon as their transaction commits.
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private write(documents: number, body: () => void): void {
    try {
      this.db.transaction(body)();
    } catch (error) {
      throw new IndexWriteError(this.cell, documents, { cause: error });
    }
  }
}
