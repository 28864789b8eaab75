/**
 * Guild-affine routing for callers of GuildService (gateway, REST): every
 * call for a guild goes to the guild node that owns guild_id on the guild
 * ring, one client (one HTTP/2 connection) per node, made on first use.
 */
import { guildV1 } from '@chat/proto';
import { createServiceClient, RemoteCallError, type ClientOptions, type ServiceClient } from '@chat/rpc';
import { EmptyRingError, RingView, type Membership, type NodeId, type RingListener, type RingViewOptions } from '@chat/ring';
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
  private readonly view: RingView;
  private readonly clients = new Map<NodeId, GuildServiceClient>();
  private readonly connect: (address: string, options: ClientOptions) => GuildServiceClient;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: GuildRouterOptions) {
    this.view = new RingView(options.membership, options.ring);
    this.connect = options.connect ?? ((address, clientOptions) => createServiceClient(guildV1.GuildServiceService, address, clientOptions));
    this.unsubscribe = this.view.subscribe((change) => {
      for (const node of change.left) {
        this.clients.get(node)?.close();
        this.clients.delete(node);
      }
    });
  }

  /** Starts the membership; resolves once the ring reflects it. */
  start(): Promise<void> {
    return this.options.membership.start();
  }

  /** The guild node owning `guildId`. @throws {NoGuildNodeError} */
  ownerOf(guildId: string): NodeId {
    try {
      return this.view.owner(guildId);
    } catch (error) {
      if (error instanceof EmptyRingError) throw new NoGuildNodeError(guildId, { cause: error });
      throw error;
    }
  }

  /** Every guild node on the ring now. */
  nodes(): NodeId[] {
    return this.options.membership.members().map((m) => m.id);
  }

  /** The client of one guild node (re-made when its address changed). */
  clientForNode(node: NodeId): GuildServiceClient {
    const address = this.view.addressOf(node);
    if (address === undefined) throw new NoGuildNodeError(`(node ${node})`);
    const existing = this.clients.get(node);
    if (existing && existing.address === address) return existing;
    existing?.close();
    const client = this.connect(address, this.options.client ?? {});
    this.clients.set(node, client);
    return client;
  }

  /** The client of the node owning `guildId`. */
  clientFor(guildId: string): GuildServiceClient {
    return this.clientForNode(this.ownerOf(guildId));
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
    return this.view.subscribe(listener);
  }

  /** Closes every client and the ring view. */
  close(): void {
    this.unsubscribe();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.view.close();
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
