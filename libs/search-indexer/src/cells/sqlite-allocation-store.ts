/** AllocationStore in a SQLite file: the embedded default and single-indexer deployments. */
import Database from 'better-sqlite3';
import type { AllocationStore } from './allocation-store.port';

/** AllocationStore on one SQLite table, `search_allocations`. */
export class SqliteAllocationStore implements AllocationStore {
  private readonly db: Database.Database;

  /** `path` is a database file (it may be the search index's own) or ':memory:'. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS search_allocations (scope TEXT PRIMARY KEY, cell TEXT NOT NULL, allocated_at INTEGER NOT NULL)');
  }

  async get(scope: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT cell FROM search_allocations WHERE scope = ?').get(scope) as { cell: string } | undefined)?.cell;
  }

  async putIfAbsent(scope: string, cell: string): Promise<string> {
    this.db.prepare('INSERT INTO search_allocations (scope, cell, allocated_at) VALUES (?, ?, ?) ON CONFLICT (scope) DO NOTHING').run(scope, cell, Date.now());
    return (await this.get(scope)) ?? cell;
  }

  async set(scope: string, cell: string): Promise<void> {
    this.db.prepare('INSERT INTO search_allocations (scope, cell, allocated_at) VALUES (?, ?, ?) ON CONFLICT (scope) DO UPDATE SET cell = excluded.cell').run(scope, cell, Date.now());
  }

  async counts(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT cell, count(*) AS n FROM search_allocations GROUP BY cell').all() as { cell: string; n: number }[];
    return new Map(rows.map((row) => [row.cell, row.n]));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
