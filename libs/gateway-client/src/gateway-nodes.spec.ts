import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dnsNodeList, parseGatewayNodeList } from './gateway-node-list';
import { GatewayNodes } from './gateway-nodes';

describe('gateway node lists', () => {
  it('reads a fixed list, and refuses a dns: value without a port', async () => {
    expect(await parseGatewayNodeList('gateway-0=10.0.0.1:50051,gateway-1=10.0.0.2:50051', 'K').current()).toEqual([
      { id: 'gateway-0', address: '10.0.0.1:50051' },
      { id: 'gateway-1', address: '10.0.0.2:50051' },
    ]);
    expect(() => parseGatewayNodeList('dns:gateway', 'CHAT_API_GATEWAY_NODES')).toThrow(/CHAT_API_GATEWAY_NODES: expected dns:<host>:<port>/);
    expect(() => parseGatewayNodeList('dns:gateway:70000', 'K')).toThrow(/expected dns/);
  });

  it('follows the addresses of a name, looking it up again only once the answer is stale', async () => {
    let answer = ['10.0.0.2', '10.0.0.1'];
    let lookups = 0;
    const list = dnsNodeList('gateway', 50051, {
      refreshMs: 50,
      resolve: async () => {
        lookups += 1;
        return answer;
      },
    });
    expect((await list.current()).map((n) => n.address)).toEqual(['10.0.0.1:50051', '10.0.0.2:50051']);
    answer = ['10.0.0.3', 'fd00::1'];
    expect((await list.current()).map((n) => n.address)).toEqual(['10.0.0.1:50051', '10.0.0.2:50051']);
    expect(lookups).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await list.current()).map((n) => n.id)).toEqual(['10.0.0.3:50051', '[fd00::1]:50051']);
    expect(lookups).toBe(2);
  });
});

describe('GatewayNodes', () => {
  it('reports a node that does not answer and counts it 0, without failing the call', async () => {
    // A port that refuses connections: bound, then closed.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const errors: string[] = [];
    const nodes = new GatewayNodes([{ id: 'gone', address: `127.0.0.1:${port}` }], { timeoutMs: 500, onError: (_error, where) => errors.push(where) });
    try {
      expect(await nodes.dispatchToUsers({ userIds: ['1'], type: 'MESSAGE_CREATE', payloadJson: Buffer.from('{}'), excludeSessionIds: [], intents: 0, sessionIds: [] })).toBe(0);
      expect(await nodes.attachUserToGuild('1', '2')).toBe(0);
      expect(errors).toEqual(['DispatchToUsers at gone', 'AttachUserToGuild at gone']);
    } finally {
      nodes.close();
    }
  });

  it('hands out the client of a node of the last listing, and refuses one the list dropped', async () => {
    let answer = ['10.0.0.1', '10.0.0.2'];
    const nodes = new GatewayNodes(dnsNodeList('gateway', 50051, { refreshMs: 0, resolve: async () => answer }));
    try {
      expect(() => nodes.client('10.0.0.1:50051')).toThrow(/unknown gateway node/);
      await nodes.nodes();
      const client = nodes.client('10.0.0.1:50051');
      expect(nodes.client('10.0.0.1:50051')).toBe(client);
      answer = ['10.0.0.2'];
      await nodes.nodes();
      expect(() => nodes.client('10.0.0.1:50051')).toThrow(/unknown gateway node 10.0.0.1:50051/);
    } finally {
      nodes.close();
    }
  });
});
