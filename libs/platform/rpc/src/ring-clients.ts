/**
 * The clients of a ringed service, as every caller needs them: which node
 * owns a key (the ring view over a membership), and one gRPC client per
 * node, made on first use, re-made when the node's address changes and
 * closed when it leaves the ring. The guild, data-service, read-states and
 * voice callers all route this way; this is the one copy.
 */
import { EmptyRingError, RingView, type Membership, type NodeId, type RingListener, type RingViewOptions } from '@chat/ring';
import { createServiceClient, type ClientOptions, type ServiceClient } from './client';
import type { ServiceShape } from './handlers';

/** Options of {@link RingClients}. */
export interface RingClientsOptions<D extends ServiceShape> {
  /** The service every node serves. */
  readonly definition: D;
  /** The nodes: static, probed or etcd membership. */
  readonly membership: Membership;
  /** Ring options; must match every other caller's. */
  readonly ring?: RingViewOptions;
  /** Options of each node's client. */
  readonly client?: ClientOptions;
  /** Makes a client; injectable for tests. Default createServiceClient. */
  readonly connect?: (address: string, options: ClientOptions) => ServiceClient<D>;
  /** The error for a key when the ring is empty (or a node is not on it). */
  readonly noNode: (what: string, cause?: unknown) => Error;
}

/** Owner lookup plus one client per node of a ring. */
export class RingClients<D extends ServiceShape> {
  private readonly view: RingView;
  private readonly clients = new Map<NodeId, ServiceClient<D>>();
  private readonly connect: (address: string, options: ClientOptions) => ServiceClient<D>;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: RingClientsOptions<D>) {
    this.view = new RingView(options.membership, options.ring);
    this.connect = options.connect ?? ((address, clientOptions) => createServiceClient(options.definition, address, clientOptions));
    this.unsubscribe = this.view.subscribe((change) => {
      for (const node of change.left) this.drop(node);
    });
  }

  /** Starts the membership (joins the watch for etcd, probes); resolves once the ring reflects it. */
  start(): Promise<void> {
    return this.options.membership.start();
  }

  /** The node owning `key`. @throws what `noNode` makes when the ring is empty */
  ownerOf(key: string): NodeId {
    try {
      return this.view.owner(key);
    } catch (error) {
      if (error instanceof EmptyRingError) throw this.options.noNode(key, error);
      throw error;
    }
  }

  /** The client of one node (made on first use, re-made when its address changed). */
  clientForNode(node: NodeId): ServiceClient<D> {
    const address = this.view.addressOf(node);
    if (address === undefined) throw this.options.noNode(`(node ${node})`);
    const existing = this.clients.get(node);
    if (existing && existing.address === address) return existing;
    existing?.close();
    const client = this.connect(address, this.options.client ?? {});
    this.clients.set(node, client);
    return client;
  }

  /** The client of the node owning `key`. */
  clientFor(key: string): ServiceClient<D> {
    return this.clientForNode(this.ownerOf(key));
  }

  /** Every node on the ring now. */
  nodes(): NodeId[] {
    return this.options.membership.members().map((member) => member.id);
  }

  /** Nodes with an open client now. */
  connectedNodes(): NodeId[] {
    return [...this.clients.keys()].sort();
  }

  /** Calls `listener` on every ring change. */
  subscribe(listener: RingListener): () => void {
    return this.view.subscribe(listener);
  }

  /** Closes every client and stops following the ring; the membership is the caller's to stop. */
  close(): void {
    this.unsubscribe();
    this.view.close();
    for (const node of [...this.clients.keys()]) this.drop(node);
  }

  private drop(node: NodeId): void {
    this.clients.get(node)?.close();
    this.clients.delete(node);
  }
}
