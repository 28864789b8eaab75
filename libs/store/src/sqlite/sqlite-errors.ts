/**
 * Maps better-sqlite3 failures to the store's errors: a unique or primary
 * key violation is a conflict, a busy or locked database is unavailable.
 */
import { DuplicateEntityError, StoreUnavailableError } from '../errors';

/** SQLite result codes we translate (extended codes as better-sqlite3 reports them). */
function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
}

/** True for a PRIMARY KEY or UNIQUE violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** True for a FOREIGN KEY violation. */
export function isForeignKeyViolation(error: unknown): boolean {
  return codeOf(error) === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Rethrows `error` as a store error when it is one we recognise; otherwise
 * rethrows it unchanged.
 */
export function rethrowSqlite(error: unknown, operation: string, conflict?: { entity: string; key: string }): never {
  if (conflict && isUniqueViolation(error)) throw new DuplicateEntityError(conflict.entity, conflict.key, { cause: error });
  const code = codeOf(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    throw new StoreUnavailableError('sqlite', operation, { cause: error });
  }
  throw error;
}
