import { randomBytes } from 'node:crypto';

/** Longest name accepted by Cassandra for keyspaces and tables. */
const MAX_LENGTH = 48;

/**
 * A fresh name for a Kafka topic, Cassandra keyspace or table, Elasticsearch
 * index or etcd key prefix, so tests never see each other's data:
 * `<prefix>_<time36>_<random hex>`, lowercase `[a-z0-9_]` only (valid for all
 * four servers), at most 48 characters.
 *
 * @param prefix a readable hint, e.g. 'smoke'; other characters become `_`.
 */
export function uniqueName(prefix = 't'): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 't';
  const suffix = `_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  return clean.slice(0, MAX_LENGTH - suffix.length) + suffix;
}
