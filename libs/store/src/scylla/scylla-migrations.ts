/**
 * Applies the versioned CQL files of deploy/scylla/migrations to a cluster:
 * creates the keyspace with the given replication, then runs every file whose
 * version is not yet in `<keyspace>.schema_migrations`, recording each with a
 * checksum. Statements use IF NOT EXISTS, so a file interrupted half way can
 * simply be run again.
 */
import type cassandra from 'cassandra-driver';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchemaMigrationError, StoreConfigError } from '../errors';

/** Where the CQL files live in the repository. */
export const SCYLLA_MIGRATIONS_DIR = fileURLToPath(new URL('../../../../deploy/scylla/migrations/', import.meta.url));

/** Options of {@link migrateScylla}. */
export interface ScyllaMigrateOptions {
  keyspace: string;
  /** A CQL replication map, e.g. `{'class':'NetworkTopologyStrategy','dc1':3}`. */
  replication: string;
  /** Directory of NNNN_name.cql files (default {@link SCYLLA_MIGRATIONS_DIR}). */
  directory?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One parsed migration file. */
export interface ScyllaMigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

/** What a run did. */
export interface ScyllaMigrateResult {
  applied: number[];
  skipped: number[];
}

const KEYSPACE = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
const REPLICATION = /^\{\s*'class'\s*:\s*'[A-Za-z.]+'(\s*,\s*'[A-Za-z0-9_.-]+'\s*:\s*('[0-9]+'|[0-9]+))*\s*\}$/;
const FILE = /^(\d{4})_([a-z0-9_]+)\.cql$/;

/**
 * Reads and parses the migration files of a directory, ordered by version.
 *
 * @throws {SchemaMigrationError} on a duplicate version or an empty file.
 */
export function readScyllaMigrations(directory: string, keyspace: string): ScyllaMigrationFile[] {
  const files = readdirSync(directory).filter((name) => FILE.test(name)).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const match = FILE.exec(file) as RegExpExecArray;
    const version = Number(match[1]);
    if (seen.has(version)) throw new SchemaMigrationError(file, `version ${version} appears twice`);
    seen.add(version);
    const text = readFileSync(`${directory}/${file}`, 'utf8');
    const statements = text
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n')
      .split(/;\s*(?:\n|$)/)
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '')
      .map((statement) => statement.replaceAll('{{keyspace}}', keyspace));
    if (statements.length === 0) throw new SchemaMigrationError(file, 'has no statements');
    return { version, name: match[2] as string, checksum: createHash('sha256').update(text).digest('hex').slice(0, 16), statements };
  });
}

/**
 * Brings a keyspace to the newest schema. Idempotent: a second run applies
 * nothing. A file whose checksum differs from the recorded one fails the run
 * (shipped migrations are never edited; add a new one).
 *
 * @throws {StoreConfigError} on a malformed keyspace name or replication map.
 * @throws {SchemaMigrationError} when a statement fails or a file was edited.
 */
export async function migrateScylla(client: cassandra.Client, options: ScyllaMigrateOptions): Promise<ScyllaMigrateResult> {
  const { keyspace, replication } = options;
  const log = options.log ?? (() => undefined);
  if (!KEYSPACE.test(keyspace)) throw new StoreConfigError('keyspace', `must match ${KEYSPACE}, got ${JSON.stringify(keyspace)}`);
  if (!REPLICATION.test(replication)) throw new StoreConfigError('replication', `must be a CQL map like {'class':'NetworkTopologyStrategy','dc1':3}, got ${JSON.stringify(replication)}`);
  const migrations = readScyllaMigrations(options.directory ?? SCYLLA_MIGRATIONS_DIR, keyspace);

  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`);
  await client.execute(`CREATE TABLE IF NOT EXISTS ${keyspace}.schema_migrations (
    version int PRIMARY KEY, name text, checksum text, applied_at timestamp)`);
  log(`keyspace ${keyspace} ready (replication ${replication})`);

  const recorded = new Map<number, string>();
  const rows = await client.execute(`SELECT version, checksum FROM ${keyspace}.schema_migrations`);
  for (const row of rows.rows) recorded.set(row.get('version') as number, row.get('checksum') as string);

  const result: ScyllaMigrateResult = { applied: [], skipped: [] };
  for (const migration of migrations) {
    const label = `${String(migration.version).padStart(4, '0')}_${migration.name}`;
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new SchemaMigrationError(label, `was edited after it was applied (recorded checksum ${checksum}, file ${migration.checksum})`);
      }
      log(`${label}: already applied`);
      result.skipped.push(migration.version);
      continue;
    }
    const started = Date.now();
    for (const [index, statement] of migration.statements.entries()) {
      try {
        await client.execute(statement);
      } catch (error) {
        throw new SchemaMigrationError(label, `statement ${index + 1} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    await client.execute(
      `INSERT INTO ${keyspace}.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`,
      [migration.version, migration.name, migration.checksum, new Date()],
      { prepare: true },
    );
    log(`${label}: applied ${migration.statements.length} statements in ${Date.now() - started} ms`);
    result.applied.push(migration.version);
  }
  log(`done: ${result.applied.length} applied, ${result.skipped.length} already there`);
  return result;
}
