import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeClients } from './node-clients';
import { GrpcServer } from './server';
import { echoService } from './test-service';

describe('NodeClients', () => {
  const server = new GrpcServer();
  let address = '';

  beforeAll(async () => {
    server.addService(echoService, { echo: async (request) => ({ text: request.text }), count: async function* () {} });
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
  });
  afterAll(async () => {
    await server.stop(100);
  });

  it('makes one client per node on first use, reuses it, and closes them all', async () => {
    const looked: string[] = [];
    const clients = new NodeClients(echoService, (node) => (looked.push(node), node === 'a' ? address : undefined), (node) => new Error(`no ${node}`), { inProcess: false });
    const first = clients.get('a');
    expect(clients.get('a')).toBe(first);
    expect(looked).toEqual(['a']);
    expect((await first.echo({ text: 'hi' })).text).toBe('hi');
    clients.close();
    expect(clients.get('a')).not.toBe(first); // closed clients are forgotten
    clients.close();
  });

  it('throws the caller\'s error for a node it has no address for', () => {
    const clients = new NodeClients(echoService, () => undefined, (node) => new Error(`node ${node} is not on the ring`));
    expect(() => clients.get('zz')).toThrow('node zz is not on the ring');
  });
});
