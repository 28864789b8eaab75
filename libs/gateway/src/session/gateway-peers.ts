/**
 * The other gateway nodes. A RESUME that landed on this node may name a
 * session any of them holds (a drained node, or the client reconnected
 * through a load balancer). There is no directory of
 * sessions, so BeginSessionHandoff goes to every peer at once; only the node
 * that holds the session answers it. A dead peer fails its call at once
 * (connection refused) or at the short deadline, so after a crash the client
 * gets op 9 within about a second.
 */
import { gatewayV1 } from '@chat/proto';
import { NodeClients } from '@chat/rpc';
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
  private readonly clients: NodeClients<typeof gatewayV1.GatewayServiceService>;
  private readonly peerIds: readonly string[];

  constructor(
    peers: readonly Member[],
    selfId: string,
    private readonly options: GatewayPeersOptions = {},
  ) {
    const others = peers.filter((peer) => peer.id !== selfId);
    const addresses = new Map(others.map((peer) => [peer.id, peer.address]));
    this.peerIds = others.map((peer) => peer.id);
    this.clients = new NodeClients(gatewayV1.GatewayServiceService, (id) => addresses.get(id), (id) => new Error(`unknown gateway peer ${id}`));
  }

  /** Number of other nodes. */
  get size(): number {
    return this.peerIds.length;
  }

  /** Asks every peer to start handing over `sessionId`; the one that holds it answers. */
  async begin(sessionId: string, userId: string, sequence: number): Promise<PeerLookup> {
    const timeoutMs = this.options.beginTimeoutMs ?? 1_000;
    let sequenceAhead = false;
    const answers = await Promise.all(
      this.peerIds.map(async (peerId): Promise<PeerSession | undefined> => {
        try {
          const response = await this.clients.get(peerId).beginSessionHandoff({ sessionId, userId, sequence: String(sequence) }, { timeoutMs });
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
      const response = await this.clients
        .get(peerId)
        .finishSessionHandoff({ sessionId, sequence: String(sequence), movedGuildIds: [...movedGuildIds] }, { timeoutMs: this.options.finishTimeoutMs ?? 4_000 });
      if (response.unfencedGuildIds.length > 0) this.options.onError?.(new Error(`guilds ${response.unfencedGuildIds.join(',')} did not fence session ${sessionId}`), `FinishSessionHandoff at ${peerId}`);
      return response.dispatches.map((d) => (d.guildId === '' ? { type: d.type, body: Buffer.from(d.body) } : { type: d.type, body: Buffer.from(d.body), guildId: d.guildId }));
    } catch (error) {
      this.options.onError?.(error, `FinishSessionHandoff at ${peerId}`);
      return undefined;
    }
  }

  close(): void {
    this.clients.close();
  }
}
