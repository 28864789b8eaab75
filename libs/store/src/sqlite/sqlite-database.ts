/**
 * Opens the one SQLite database every embedded adapter shares: WAL journal
 * (readers never block the writer), foreign keys on, 64-bit integers read as
 * BigInt, and the schema migrated to the newest version before anything else
 * runs.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SchemaMigrationError, StoreUnavailableError } from '../errors';
import { SQLITE_MIGRATIONS, type SqliteMigration } from './sqlite-migrations';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** Options of {@link openSqliteDatabase}. */
export interface SqliteOpenOptions {
  /** A file path, or ':memory:' for a private in-memory database. */
  path: string;
  /** Milliseconds a writer waits for another process's lock (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its directory when missing) and migrates a database.
 *
 * @throws {StoreUnavailableError} when the file cannot be opened.
 * @throws {SchemaMigrationError} when a migration fails (nothing of it is kept).
 */
export function openSqliteDatabase(options: SqliteOpenOptions): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (options.path !== ':memory:' && !options.path.startsWith('file:')) mkdirSync(dirname(options.path), { recursive: true });
    // The busy timeout is set at open, before the first pragma: several processes of a fleet open one file at once,
    // and `journal_mode = WAL` itself takes a lock (it failed with SQLITE_BUSY when the timeout came after it).
    db = new Database(options.path, { timeout: Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000)) });
  } catch (error) {
    throw new StoreUnavailableError('sqlite', `open ${options.path}`, { cause: error });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.defaultSafeIntegers(true);
  try {
    migrateSqlite(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Applies every migration newer than the recorded version, each in its own
 * transaction with its row in schema_migrations. Running it again is a no-op.
 * Returns the versions it applied.
 *
 * @throws {SchemaMigrationError} when a statement fails.
 */
export function migrateSqlite(db: SqliteDatabase, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of migrations) {
    // IMMEDIATE takes the write lock first, so two processes opening the same
    // file cannot both apply a version: the second sees the first's row.
    const apply = db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      return true;
    });
    try {
      if (apply.immediate()) done.push(migration.version);
    } catch (error) {
      throw new SchemaMigrationError(`${migration.version}_${migration.name}`, (error as Error).message, { cause: error });
    }
  }
  return done;
}
