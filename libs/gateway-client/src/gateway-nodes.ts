/**
 * Every gateway node, as the API reaches them. A user-addressed event (a DM,
 * the GUILD_CREATE of a guild just joined, GUILD_DELETE after a kick) must
 * reach that user's sessions wherever they are connected, and nothing keeps
 * a directory of sessions: each event goes to every node, and each node acts
 * on the sessions it holds. A node that fails its call is reported and
 * counts 0, so one dead gateway does not stop delivery on the others.
 */
import { gatewayV1 } from '@chat/proto';
import { NodeClients, type ServiceClient } from '@chat/rpc';
import type { Member } from '@chat/ring';
import { staticNodeList, type GatewayNodeList } from './gateway-node-list';

/** Options of the gateway clients. */
export interface GatewayNodesOptions {
  /** Deadline of each call (default 2000 ms). */
  readonly timeoutMs?: number;
  readonly onError?: (error: unknown, where: string) => void;
}

/** Clients of every gateway node's GatewayService. */
export class GatewayNodes {
  private readonly clients: NodeClients<typeof gatewayV1.GatewayServiceService>;
  private readonly list: GatewayNodeList;
  private addresses = new Map<string, string>();

  constructor(
    nodes: readonly Member[] | GatewayNodeList,
    private readonly options: GatewayNodesOptions = {},
  ) {
    this.list = Array.isArray(nodes) ? staticNodeList(nodes) : (nodes as GatewayNodeList);
    this.clients = new NodeClients(gatewayV1.GatewayServiceService, (id) => this.addresses.get(id), (id) => new Error(`unknown gateway node ${id}`));
  }

  /** The gateway nodes now (a DNS list is looked up again when stale); clients of nodes that left are closed. */
  async nodes(): Promise<readonly Member[]> {
    const nodes = await this.list.current();
    this.addresses = new Map(nodes.map((node) => [node.id, node.address]));
    for (const id of this.clients.nodeIds()) if (!this.addresses.has(id)) this.clients.drop(id);
    return nodes;
  }

  /**
   * The client of one node of the last listing (`nodes()`), for calls other
   * than the broadcasts below (a gateway's handoff to its peers); throws for
   * a node that was not listed.
   */
  client(nodeId: string): ServiceClient<typeof gatewayV1.GatewayServiceService> {
    return this.clients.get(nodeId);
  }

  /** Delivers a user-addressed dispatch on every node; answers how many sessions got it. */
  async dispatchToUsers(request: gatewayV1.DispatchToUsersRequest): Promise<number> {
    const counts = await this.everyNode('DispatchToUsers', (client, timeoutMs) => client.dispatchToUsers(request, { timeoutMs }).then((r) => r.deliveredSessions));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Attaches the user's sessions on every node to a guild they joined; answers how many. */
  async attachUserToGuild(userId: string, guildId: string): Promise<number> {
    const counts = await this.everyNode('AttachUserToGuild', (client, timeoutMs) => client.attachUserToGuild({ userId, guildId }, { timeoutMs }).then((r) => r.attachedSessions));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async everyNode(method: string, call: (client: ServiceClient<typeof gatewayV1.GatewayServiceService>, timeoutMs: number) => Promise<number>): Promise<number[]> {
    const timeoutMs = this.options.timeoutMs ?? 2_000;
    let nodes: readonly Member[];
    try {
      nodes = await this.nodes();
    } catch (error) {
      this.options.onError?.(error, `${method}: listing the gateway nodes`);
      return [];
    }
    return Promise.all(
      nodes.map(async ({ id: nodeId }) => {
        try {
          return await call(this.client(nodeId), timeoutMs);
        } catch (error) {
          this.options.onError?.(error, `${method} at ${nodeId}`);
          return 0;
        }
      }),
    );
  }

  close(): void {
    this.clients.close();
  }
}
