/** Test fixture: a guild node serving GuildService on a loopback GrpcServer. */
import { guildV1 } from '@chat/proto';
import { GrpcServer } from '@chat/rpc';
import { RingView, StaticMembership, type Member } from '@chat/ring';
import { GuildNode, type GuildNodeOptions } from '../guild-node';
import { guildServiceHandlers } from '../guild-service';
import type { GuildStorePorts } from '../guild-state';

/** A running loopback guild node. */
export interface TestGuildServer {
  node: GuildNode;
  server: GrpcServer;
  address: string;
  membership: StaticMembership;
  stop(): Promise<void>;
}

/** Starts guild node `nodeId` on 127.0.0.1; `others` are extra ring members (they need not exist). */
export async function startGuildServer(
  store: GuildStorePorts,
  nodeId: string,
  others: Member[] = [],
  options: Partial<GuildNodeOptions> = {},
): Promise<TestGuildServer> {
  const membership = new StaticMembership([{ id: nodeId, address: '127.0.0.1:1' }, ...others]);
  const ring = new RingView(membership);
  const node = new GuildNode({ nodeId, ring, store, flushIntervalMs: 2, ...options });
  const server = new GrpcServer();
  server.addService(guildV1.GuildServiceService, guildServiceHandlers(node));
  const port = await server.listen('127.0.0.1', 0);
  const address = `127.0.0.1:${port}`;
  membership.update([{ id: nodeId, address }, ...others]);
  return {
    node,
    server,
    address,
    membership,
    async stop() {
      await node.stop();
      await server.stop(100);
      ring.close();
    },
  };
}
