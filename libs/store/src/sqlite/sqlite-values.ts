/**
 * Value conversions between SQLite rows (64-bit integers as BigInt, booleans
 * as 0/1, times as Unix ms, lists as JSON) and domain objects.
 */

/** A row as better-sqlite3 returns it with safe integers on. */
export type SqliteRow = Record<string, unknown>;

/** An INTEGER column that holds an id, as a snowflake string. */
export function idText(value: unknown): string {
  return (value as bigint).toString();
}

/** A nullable id column. */
export function idTextOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as bigint).toString();
}

/** A small INTEGER column as a number. */
export function int(value: unknown): number {
  return Number(value as bigint);
}

/** A nullable small INTEGER column. */
export function intOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value as bigint);
}

/** A 0/1 column. */
export function bool(value: unknown): boolean {
  return Number(value as bigint) !== 0;
}

/** A Unix-ms column as a Date. */
export function date(value: unknown): Date {
  return new Date(Number(value as bigint));
}

/** A nullable Unix-ms column. */
export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(Number(value as bigint));
}

/** A boolean for binding (SQLite has no boolean type). */
export function flag(value: boolean | undefined): 0 | 1 {
  return value ? 1 : 0;
}

/** A JSON array of strings column. */
export function stringList(value: unknown): string[] {
  return JSON.parse(value as string) as string[];
}

/** Binds a Date (or null) as Unix ms. */
export function ms(value: Date | null | undefined): number | null {
  return value === null || value === undefined ? null : value.getTime();
}
