/**
 * The other gateway nodes. A RESUME that landed on this node may name a
 * session any of them holds (a drained node, or the client reconnected
 * through a load balancer). There is no directory of
 * sessions, so BeginSessionHandoff goes to every peer at once; only the node
 * that holds the session answers it. A dead peer fails its call at once
 * (connection refused) or at the short deadline, so after a crash the client
 * gets op 9 within about a second. The list and the clients are
 * `@chat/gateway-client`'s GatewayNodes, the same the API reaches the
 * gateways through; this class only leaves this node out and speaks the
 * handoff.
 */
import { networkInterfaces } from 'node:os';
import { GatewayNodes, type GatewayNodeList } from '@chat/gateway-client';
import type { Member } from '@chat/ring';
import type { DispatchFrame, ShardFilter } from '../relay/local-sessions';

/** What the holder answered to BeginSessionHandoff. */
export interface PeerSession {
  readonly peerId: string;
  readonly intents: number;
  readonly shard?: ShardFilter;
  readonly allowPassive: boolean;
  readonly largeThreshold: number;
  readonly guildIds: readonly string[];
}

/** The outcome of asking the peers for a session. */
export type PeerLookup = { readonly found: PeerSession } | { readonly found: undefined; readonly sequenceAhead: boolean };

/** Deadlines of the two halves of a handoff. */
export interface GatewayPeersOptions {
  /** BeginSessionHandoff (default 1000 ms). */
  readonly beginTimeoutMs?: number;
  /** FinishSessionHandoff, which waits up to 2 s for guild fences (default 4000 ms). */
  readonly finishTimeoutMs?: number;
  readonly onError?: (error: unknown, where: string) => void;
}

/** Clients of the other gateway nodes' GatewayService. */
export class GatewayPeers {
  private readonly nodes: GatewayNodes;
  private peerIds: readonly string[] = [];

  /**
   * `peers` is every gateway node, this one may be among them: a fixed list
   * (this node is the entry whose id is `self.id`) or a DNS list (this node
   * is the address of one of this machine's interfaces with `self.grpcPort`).
   */
  constructor(
    peers: readonly Member[] | GatewayNodeList,
    private readonly self: { id: string; grpcPort?: number },
    private readonly options: GatewayPeersOptions = {},
  ) {
    this.nodes = new GatewayNodes(peers);
  }

  /** Number of other nodes, as last listed. */
  get size(): number {
    return this.peerIds.length;
  }

  /** Lists the nodes again (a DNS list only when its answer is stale) and closes the clients of nodes that left. */
  async refresh(): Promise<void> {
    const own = ownAddresses(this.self.grpcPort);
    const others = (await this.nodes.nodes()).filter((peer) => peer.id !== this.self.id && !own.has(peer.address));
    this.peerIds = others.map((peer) => peer.id);
  }

  /** Asks every peer to start handing over `sessionId`; the one that holds it answers. */
  async begin(sessionId: string, userId: string, sequence: number): Promise<PeerLookup> {
    const timeoutMs = this.options.beginTimeoutMs ?? 1_000;
    await this.refresh().catch((error: unknown) => this.options.onError?.(error, 'listing the gateway peers'));
    let sequenceAhead = false;
    const answers = await Promise.all(
      this.peerIds.map(async (peerId): Promise<PeerSession | undefined> => {
        try {
          const response = await this.nodes.client(peerId).beginSessionHandoff({ sessionId, userId, sequence: String(sequence) }, { timeoutMs });
          return {
            peerId,
            intents: response.intents,
            ...(response.shardCount > 0 ? { shard: { id: response.shardId, count: response.shardCount } } : {}),
            allowPassive: response.allowPassive,
            largeThreshold: response.largeThreshold,
            guildIds: response.guildIds,
          };
        } catch (error) {
          const kind = (error as { kind?: string }).kind;
          if (kind === 'conflict') sequenceAhead = true;
          else if (kind !== 'not_found') this.options.onError?.(error, `BeginSessionHandoff at ${peerId}`);
          return undefined;
        }
      }),
    );
    const found = answers.find((answer) => answer !== undefined);
    return found ? { found } : { found: undefined, sequenceAhead };
  }

  /** Finishes the handoff: the dispatches after `sequence` from the node that held the session, or undefined when it could not. */
  async finish(peerId: string, sessionId: string, sequence: number, movedGuildIds: readonly string[]): Promise<DispatchFrame[] | undefined> {
    try {
      const response = await this.nodes
        .client(peerId)
        .finishSessionHandoff({ sessionId, sequence: String(sequence), movedGuildIds: [...movedGuildIds] }, { timeoutMs: this.options.finishTimeoutMs ?? 4_000 });
      if (response.unfencedGuildIds.length > 0) this.options.onError?.(new Error(`guilds ${response.unfencedGuildIds.join(',')} did not fence session ${sessionId}`), `FinishSessionHandoff at ${peerId}`);
      return response.dispatches.map((d) => (d.guildId === '' ? { type: d.type, body: Buffer.from(d.body) } : { type: d.type, body: Buffer.from(d.body), guildId: d.guildId }));
    } catch (error) {
      this.options.onError?.(error, `FinishSessionHandoff at ${peerId}`);
      return undefined;
    }
  }

  /** Closes the clients of every peer. */
  close(): void {
    this.nodes.close();
  }
}

/** host:port of every address of this machine's interfaces with `port` (how a node finds itself in a DNS list). */
function ownAddresses(port: number | undefined): Set<string> {
  if (port === undefined) return new Set();
  const own = new Set<string>();
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) own.add(entry.family === 'IPv6' ? `[${entry.address}]:${port}` : `${entry.address}:${port}`);
  }
  return own;
}
