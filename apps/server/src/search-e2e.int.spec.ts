/**
 * Search end to end on the scale path: every module in one process with the
 * real Kafka of the test infrastructure as the bus (CHAT_BUS=kafka) and two
 * Elasticsearch cells (on the one test cluster, told apart by index names)
 * as the index, allocations stored in the first cell: see
 * search-e2e.scenario.ts. Indices, allocation index and consumer group are
 * fresh per run; the indices are deleted afterwards.
 */
import { Client } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '@chat/modules';
import { infra, uniqueName } from '@chat/testing';
import { runSearchScenario } from './search-e2e.scenario';

let server: RunningServer | undefined;
const prefix = uniqueName('search_e2e');
afterEach(async () => {
  await server?.shutdown('test');
  server = undefined;
  const client = new Client({ node: infra().elasticsearch.url });
  await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  await client.close();
});

describe('search, Kafka + Elasticsearch cells', () => {
  it('a message sent through REST becomes searchable through the search routes; permissions, edits, deletes and DMs hold', async () => {
    const { kafka, elasticsearch } = infra();
    await runSearchScenario(
      {
        CHAT_BUS: 'kafka',
        CHAT_KAFKA_BROKERS: kafka.brokers.join(','),
        CHAT_SEARCH_BACKEND: 'elasticsearch',
        CHAT_SEARCH_CELLS: `cell-a=${elasticsearch.url},cell-b=${elasticsearch.url}`,
        CHAT_SEARCH_INDEX_PREFIX: prefix,
        CHAT_SEARCH_ES_REPLICAS: '0',
        CHAT_SEARCH_CONSUMER_GROUP: uniqueName('search_indexer'),
      },
      { timeoutMs: 30_000, onServer: (s) => (server = s) },
    );
    // The guild and both DM users were allocated, and the allocations stored in the first cell.
    const client = new Client({ node: elasticsearch.url });
    await client.indices.refresh({ index: `${prefix}-search-allocations` });
    const allocations = await client.search<{ scope: string; cell: string }>({ index: `${prefix}-search-allocations`, size: 100 });
    const cells = allocations.hits.hits.map((hit) => hit._source?.cell);
    expect(cells).toHaveLength(3);
    expect(new Set(cells)).toEqual(new Set(['cell-a', 'cell-b']));
    await client.close();
  }, 180_000);
});
