/**
 * Guild-affine routing for callers of GuildService (gateway, REST): every
 * call for a guild goes to the guild node that owns guild_id on the guild
 * ring, one client (one HTTP/2 connection) per node, made on first use.
 */
import { guildV1 } from '@chat/proto';
import { RemoteCallError, RingClients, type ClientOptions, type ServiceClient } from '@chat/rpc';
import type { Membership, NodeId, RingListener, RingViewOptions } from '@chat/ring';
import { NoGuildNodeError } from './errors';

/** A GuildService client for one guild node. */
export type GuildServiceClient = ServiceClient<typeof guildV1.GuildServiceService>;

/** Options of a {@link GuildRouter}. */
export interface GuildRouterOptions {
  /** The guild nodes (StaticMembership from CHAT_GUILD_NODES, or EtcdMembership). */
  membership: Membership;
  /** Ring options; must match the guild nodes' own. */
  ring?: RingViewOptions;
  /** Per-node client options. */
  client?: ClientOptions;
  /** Client factory, injectable for tests. */
  connect?: (address: string, options: ClientOptions) => GuildServiceClient;
}

/** Routes GuildService calls by guild_id. */
export class GuildRouter {
  private readonly ring: RingClients<typeof guildV1.GuildServiceService>;

  constructor(private readonly options: GuildRouterOptions) {
    this.ring = new RingClients({
      definition: guildV1.GuildServiceService,
      membership: options.membership,
      ...(options.ring ? { ring: options.ring } : {}),
      ...(options.client ? { client: options.client } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
      noNode: (guildId, cause) => new NoGuildNodeError(guildId, cause === undefined ? {} : { cause }),
    });
  }

  /** Starts the membership; resolves once the ring reflects it. */
  start(): Promise<void> {
    return this.ring.start();
  }

  /** The guild node owning `guildId`. @throws {NoGuildNodeError} */
  ownerOf(guildId: string): NodeId {
    return this.ring.ownerOf(guildId);
  }

  /** Every guild node on the ring now. */
  nodes(): NodeId[] {
    return this.ring.nodes();
  }

  /** The client of one guild node (re-made when its address changed). */
  clientForNode(node: NodeId): GuildServiceClient {
    return this.ring.clientForNode(node);
  }

  /** The client of the node owning `guildId`. */
  clientFor(guildId: string): GuildServiceClient {
    return this.ring.clientFor(guildId);
  }

  /**
   * Calls `call` on the client of the node owning `guildId`; when that fails
   * because the owner is gone or not the owner any more (UNAVAILABLE, a
   * deadline, an empty ring), waits (100 ms, doubling to 1 s) and calls the
   * then-current owner again, for up to `retryForMs`. This is how a guild
   * event sent while its guild node dies reaches the node the guild moved to.
   * Other errors, and the last failure, are thrown.
   */
  async withOwner<T>(guildId: string, call: (client: GuildServiceClient) => Promise<T>, options: { retryForMs: number }): Promise<T> {
    const deadline = Date.now() + options.retryForMs;
    let backoff = 100;
    for (;;) {
      try {
        return await call(this.clientFor(guildId));
      } catch (error) {
        const kind = error instanceof NoGuildNodeError ? 'unavailable' : error instanceof RemoteCallError ? error.kind : undefined;
        if ((kind !== 'unavailable' && kind !== 'deadline') || Date.now() + backoff > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 1000);
      }
    }
  }

  /** Groups guild ids by owning node (for one AttachSession per node). */
  groupByOwner(guildIds: readonly string[]): Map<NodeId, string[]> {
    const groups = new Map<NodeId, string[]>();
    for (const guildId of guildIds) {
      const owner = this.ownerOf(guildId);
      groups.set(owner, [...(groups.get(owner) ?? []), guildId]);
    }
    return groups;
  }

  /** Calls `listener` on every ring change. */
  subscribe(listener: RingListener): () => void {
    return this.ring.subscribe(listener);
  }

  /** Closes every client and the ring view. */
  close(): void {
    this.ring.close();
  }
}

/**
 * The owner named by a guild node that refused a call because it does not
 * own the guild (UNAVAILABLE with `owner=<node>`), or undefined for any
 * other error.
 */
export function notOwnedBy(error: unknown): NodeId | undefined {
  if (!(error instanceof RemoteCallError) || error.kind !== 'unavailable') return undefined;
  return /owner=([A-Za-z0-9._-]+)/.exec(error.message)?.[1];
}
