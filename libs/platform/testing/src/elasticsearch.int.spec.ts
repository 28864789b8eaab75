import { Client } from '@elastic/elasticsearch';
import { afterAll, describe, expect, it } from 'vitest';

import { infra } from './endpoints';
import { uniqueName } from './unique-name';

describe('elasticsearch (real node)', () => {
  const { elasticsearch: endpoint } = infra();
  const client = new Client({ node: endpoint.url });
  const index = uniqueName('smoke');

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('indexes a document and finds it by full-text search after refresh', async () => {
    await client.index({
      index,
      id: '175928847299117063',
      document: { channel_id: '81384788765712384', content: 'the quick brown fox' },
      refresh: 'wait_for',
    });
    await client.index({ index, id: '2', document: { channel_id: '1', content: 'lazy dogs sleep' }, refresh: true });

    const result = await client.search<{ channel_id: string; content: string }>({
      index,
      query: { match: { content: 'fox' } },
    });
    expect(result.hits.hits.map((h) => [h._id, h._source])).toEqual([
      ['175928847299117063', { channel_id: '81384788765712384', content: 'the quick brown fox' }],
    ]);
  });
});
