import { dnsNodeList } from '@chat/gateway-client';
import { describe, expect, it } from 'vitest';
import { GatewayPeers } from './gateway-peers';

describe('GatewayPeers', () => {
  it('leaves itself out of a fixed list by its node id', async () => {
    const peers = new GatewayPeers(
      [
        { id: 'gateway-0', address: '10.0.0.1:50051' },
        { id: 'gateway-1', address: '10.0.0.2:50051' },
      ],
      { id: 'gateway-0' },
    );
    await peers.refresh();
    expect(peers.size).toBe(1);
    peers.close();
  });

  it('leaves itself out of a DNS list by its own interface address and gRPC port, and follows the list as it changes', async () => {
    let answer = ['127.0.0.1', '10.255.0.7'];
    const list = dnsNodeList('gateway', 50051, { refreshMs: 0, resolve: async () => answer });
    const peers = new GatewayPeers(list, { id: 'gateway-0', grpcPort: 50051 });
    await peers.refresh();
    expect(peers.size).toBe(1);
    answer = ['127.0.0.1'];
    await peers.refresh();
    expect(peers.size).toBe(0);
    // The same address on another port is another process: a peer.
    const other = new GatewayPeers(dnsNodeList('gateway', 50052, { refreshMs: 0, resolve: async () => ['127.0.0.1'] }), { id: 'gateway-0', grpcPort: 50051 });
    await other.refresh();
    expect(other.size).toBe(1);
    peers.close();
    other.close();
  });
});
