/**
 * One gRPC client per node of a ring, made on first use and kept: the piece
 * every ring-routed caller needs (which node owns a key is the ring's job;
 * talking to that node is this). `addressOf` answers undefined for a node it
 * does not know, and `get` then throws what `unknownNode` makes.
 */
import { createServiceClient, type ClientOptions, type ServiceClient } from './client';
import type { ServiceShape } from './handlers';

/** Clients of one service, one per node id. */
export class NodeClients<D extends ServiceShape> {
  private readonly clients = new Map<string, ServiceClient<D>>();

  constructor(
    private readonly definition: D,
    private readonly addressOf: (nodeId: string) => string | undefined,
    private readonly unknownNode: (nodeId: string) => Error,
    private readonly options: ClientOptions = {},
  ) {}

  /** The client of `nodeId`, made on first use. */
  get(nodeId: string): ServiceClient<D> {
    const existing = this.clients.get(nodeId);
    if (existing) return existing;
    const address = this.addressOf(nodeId);
    if (address === undefined) throw this.unknownNode(nodeId);
    const client = createServiceClient(this.definition, address, this.options);
    this.clients.set(nodeId, client);
    return client;
  }

  /** Closes and forgets the client of `nodeId` (a node that left); the next `get` makes a new one. */
  drop(nodeId: string): void {
    this.clients.get(nodeId)?.close();
    this.clients.delete(nodeId);
  }

  /** Ids of the nodes that have a client now. */
  nodeIds(): string[] {
    return [...this.clients.keys()];
  }

  /** Closes every client made so far. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
