/**
 * Value conversions between cassandra-driver rows (bigint columns as JS
 * bigint, empty collections as null) and domain objects.
 */
import type cassandra from 'cassandra-driver';

/** A driver row. */
export type CqlRow = cassandra.types.Row;

/** A bigint column as a snowflake string. */
export function idText(value: unknown): string {
  return (value as bigint).toString();
}

/** A nullable bigint column. */
export function idTextOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as bigint).toString();
}

/** A list<bigint> or set<bigint> column (null when empty) as strings. */
export function idList(value: unknown): string[] {
  return value === null || value === undefined ? [] : (value as bigint[]).map((id) => id.toString());
}

/** A list<text> column (null when empty). */
export function textList(value: unknown): string[] {
  return value === null || value === undefined ? [] : [...(value as string[])];
}

/** A nullable int column (unset reads as null). */
export function intOr(value: unknown, fallback: number): number {
  return value === null || value === undefined ? fallback : (value as number);
}

/** A nullable boolean column. */
export function boolOr(value: unknown, fallback = false): boolean {
  return value === null || value === undefined ? fallback : (value as boolean);
}

/** A nullable timestamp column. */
export function dateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : (value as Date);
}

/** A nullable text column. */
export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as string);
}
