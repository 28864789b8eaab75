import { CancelledError, UnavailableError } from '@chat/errors';
import cassandra from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { createScyllaClient, mapDriverError, ScyllaSession } from './scylla-session';

describe('createScyllaClient', () => {
  it('routes token-aware over DC-aware round robin in the local DC, with bigint ids', async () => {
    const client = createScyllaClient({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'dc-east' });
    const options = (client as unknown as { options: cassandra.ClientOptions }).options;
    const policy = options.policies?.loadBalancing;
    expect(policy).toBeInstanceOf(cassandra.policies.loadBalancing.TokenAwarePolicy);
    const child = (policy as unknown as { childPolicy: unknown }).childPolicy;
    expect(child).toBeInstanceOf(cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy);
    expect((child as { localDc: string }).localDc).toBe('dc-east');
    expect(options.encoding?.useBigIntAsLong).toBe(true);
    await client.shutdown();
  });
});

describe('ScyllaSession', () => {
  it('maps an unreachable cluster to an UnavailableError and counts the attempt', async () => {
    const client = createScyllaClient({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'dc1' });
    const session = new ScyllaSession(client, 'ks');
    await expect(session.execute('test.op', 'read', 'SELECT now() FROM system.local', [])).rejects.toBeInstanceOf(UnavailableError);
    expect(session.queryCount).toBe(1);
    await session.shutdown();
  });

  it('rejects with a CancelledError when the signal already fired, without a query', async () => {
    const client = createScyllaClient({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'dc1' });
    const session = new ScyllaSession(client, 'ks');
    const controller = new AbortController();
    controller.abort();
    await expect(session.execute('test.op', 'read', 'SELECT 1', [], controller.signal)).rejects.toBeInstanceOf(CancelledError);
    expect(session.queryCount).toBe(0);
    await session.shutdown();
  });

  it('leaves errors it does not know unchanged', () => {
    const error = new Error('syntax');
    expect(mapDriverError(error, 'x')).toBe(error);
    expect(mapDriverError(new cassandra.errors.OperationTimedOutError('slow'), 'x')).toBeInstanceOf(UnavailableError);
  });
});
