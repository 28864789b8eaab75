/**
 * Writes a benchmark's JSON to bench/results/<name>.json, unless the run was
 * interrupted (its figures would be from a half torn-down run).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wasInterrupted } from './cleanup';

/** Writes `report` as bench/results/<name>.json and prints where; returns the path (undefined when interrupted). */
export function writeResults(name: string, report: unknown): string | undefined {
  if (wasInterrupted()) return undefined;
  const path = fileURLToPath(new URL(`../results/${name}.json`, import.meta.url));
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path}`);
  return path;
}
