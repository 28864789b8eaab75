/**
 * Finds a real Elasticsearch for a benchmark, as cassandra.ts does for
 * Cassandra: ELASTICSEARCH_URL when set, else `infra.sh up elasticsearch`
 * as a registered user, released at the end.
 */
import { infra, readEndpoints } from './cassandra';
import { onCleanup } from './cleanup';

/** An Elasticsearch to use, and how to give it back. */
export interface ElasticsearchLease {
  url: string;
  version: string;
  source: 'environment' | 'infra.sh';
  release(): Promise<void>;
}

/**
 * An Elasticsearch for this run: ELASTICSEARCH_URL when set, else
 * `infra.sh up elasticsearch` as a registered user, released at the end (as
 * for Cassandra above).
 *
 * @throws {Error} with the reason when none can be had.
 */
export async function acquireElasticsearch(label: string, log: (line: string) => void = console.log): Promise<ElasticsearchLease> {
  const fromEnv = process.env.ELASTICSEARCH_URL;
  if (fromEnv) {
    log(`elasticsearch: using ELASTICSEARCH_URL=${fromEnv}`);
    return { url: fromEnv, version: 'unknown', source: 'environment', release: async () => undefined };
  }
  const user = `bench-${label}-${process.pid}`;
  log(`elasticsearch: bash scripts/infra/infra.sh up elasticsearch (as user ${user}; the first start takes about a minute)`);
  const release = onCleanup('release elasticsearch', async () => {
    log(`elasticsearch: bash scripts/infra/infra.sh release elasticsearch (user ${user})`);
    await infra('release', user, log, 'elasticsearch');
  });
  const started = performance.now();
  const code = await infra('up', user, log, 'elasticsearch');
  const url = readEndpoints().ELASTICSEARCH_URL;
  if (code !== 0 || !url) {
    await release();
    throw new Error(code !== 0 ? `infra.sh up elasticsearch exited with ${code}` : 'infra.sh up elasticsearch succeeded but endpoints.env has no ELASTICSEARCH_URL');
  }
  log(`elasticsearch: ${url} ready after ${Math.round((performance.now() - started) / 100) / 10} s`);
  return { url, version: readEndpoints().ELASTICSEARCH_VERSION ?? 'unknown', source: 'infra.sh', release };
}
