import { StaticMembership } from '@chat/ring';
import { describe, expect, it } from 'vitest';
import { RingClients } from './ring-clients';
import { echoService } from './test-service';

class NoNode extends Error {}

function fakeClients() {
  const made: { address: string; closed: boolean }[] = [];
  const connect = (address: string) => {
    const client = { address, closed: false, close: () => void (client.closed = true) };
    made.push(client);
    return client as never;
  };
  return { made, connect };
}

describe('RingClients', () => {
  it('routes a key to its owner with one client per node, re-made when the address changes and closed when the node leaves', async () => {
    const membership = new StaticMembership([{ id: 'a', address: '10.0.0.1:1' }, { id: 'b', address: '10.0.0.2:1' }]);
    const fake = fakeClients();
    const ring = new RingClients({ definition: echoService, membership, connect: fake.connect, noNode: (what) => new NoNode(what) });
    await ring.start();
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    const owners = new Set(keys.map((k) => ring.ownerOf(k)));
    expect([...owners].sort()).toEqual(['a', 'b']);
    const first = ring.clientFor(keys[0]!);
    expect(ring.clientFor(keys[0]!)).toBe(first);
    expect(ring.connectedNodes()).toEqual([ring.ownerOf(keys[0]!)]);
    // The node moves: its old client is closed and a new one made for the new address.
    const node = ring.ownerOf(keys[0]!);
    membership.update([{ id: node, address: '10.0.0.9:1' }, ...[{ id: 'a', address: '10.0.0.1:1' }, { id: 'b', address: '10.0.0.2:1' }].filter((m) => m.id !== node)]);
    const moved = ring.clientFor(keys[0]!);
    expect(moved).not.toBe(first);
    expect((first as unknown as { closed: boolean }).closed).toBe(true);
    // The node leaves: its client is closed and the key goes to the other node.
    membership.update([{ id: node === 'a' ? 'b' : 'a', address: '10.0.0.3:1' }]);
    expect((moved as unknown as { closed: boolean }).closed).toBe(true);
    expect(ring.ownerOf(keys[0]!)).toBe(node === 'a' ? 'b' : 'a');
    // An empty ring answers the caller's own error.
    membership.update([]);
    expect(() => ring.ownerOf('x')).toThrow(NoNode);
    ring.close();
  });
});
