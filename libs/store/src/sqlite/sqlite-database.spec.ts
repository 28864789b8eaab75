import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaMigrationError } from '../errors';
import { migrateSqlite, openSqliteDatabase } from './sqlite-database';
import { SQLITE_MIGRATIONS } from './sqlite-migrations';

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
  dirs.push(dir);
  return join(dir, 'nested', 'chat.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openSqliteDatabase', () => {
  it('creates the file and its directory, in WAL mode with foreign keys on', () => {
    const db = openSqliteDatabase({ path: tempPath() });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(db.pragma('foreign_keys', { simple: true }))).toBe(1);
    db.close();
  });

  it('applies every migration once and records it; reopening applies nothing', () => {
    const path = tempPath();
    const db = openSqliteDatabase({ path });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all().map(Number);
    expect(versions).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    expect(migrateSqlite(db)).toEqual([]);
    db.close();
    const again = openSqliteDatabase({ path });
    expect(again.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(BigInt(SQLITE_MIGRATIONS.length));
    again.close();
  });

  it('numbers migrations 1..n without gaps', () => {
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(SQLITE_MIGRATIONS.map((_, i) => i + 1));
  });

  it('stores 64-bit ids exactly and sorts them numerically', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    const insert = db.prepare(`INSERT INTO read_states (user_id, channel_id, last_message_id, mention_count) VALUES (1, ?, NULL, 0)`);
    for (const id of [9223372036854775807n, 175928847299117063n, 9n]) insert.run(id);
    const ids = db.prepare('SELECT channel_id FROM read_states WHERE user_id = 1 ORDER BY channel_id').pluck().all();
    expect(ids).toEqual([9n, 175928847299117063n, 9223372036854775807n]);
    db.close();
  });

  it('rolls a failing migration back and reports it', () => {
    const db = openSqliteDatabase({ path: ':memory:' });
    const broken = [...SQLITE_MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE oops (' }];
    expect(() => migrateSqlite(db, broken)).toThrow(SchemaMigrationError);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'half'`).pluck().get()).toBe(0n);
    expect(db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 99').pluck().get()).toBe(0n);
    db.close();
  });
});
