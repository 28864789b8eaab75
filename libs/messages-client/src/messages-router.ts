import { messagesV1 } from '@chat/proto';
import { RingClients, type CallOptions, type ClientOptions, type ServiceClient } from '@chat/rpc';
import type { Membership, NodeId, RingViewOptions } from '@chat/ring';
import { NoDataServiceInstanceError } from './errors';

/** A MessageService client for one instance. */
export type MessageServiceClient = ServiceClient<typeof messagesV1.MessageServiceService>;

type Definition = typeof messagesV1.MessageServiceService;
type RequestOf<K extends keyof Definition> = Parameters<Definition[K]['requestSerialize']>[0];
type ResponseOf<K extends keyof Definition> = ReturnType<Definition[K]['responseDeserialize']>;

/** Options of a {@link MessagesRouter}. */
export interface MessagesRouterOptions {
  /** The data-service instances (ids and gRPC addresses): StaticMembership or EtcdMembership. */
  membership: Membership;
  /** Options of the ring (virtual nodes, ...); must match what every caller uses. */
  ring?: RingViewOptions;
  /** Options of each per-instance client (default timeout, channel options). */
  client?: ClientOptions;
  /** Makes a client; injectable for tests. Default createServiceClient. */
  connect?: (address: string, options: ClientOptions) => MessageServiceClient;
}

/**
 * Channel-affine routing to the data service: every call goes to the
 * instance that owns its channel_id on the ring, so all requests for one
 * channel meet in one process and its request coalescing works across the
 * fleet. One client (one HTTP/2 connection) per instance, made on first use;
 * when the ring changes, clients of instances that left are closed and the
 * channels they owned go to their new owners on the next call.
 */
export class MessagesRouter {
  private readonly ring: RingClients<Definition>;

  constructor(options: MessagesRouterOptions) {
    this.ring = new RingClients({
      definition: messagesV1.MessageServiceService,
      membership: options.membership,
      ...(options.ring ? { ring: options.ring } : {}),
      ...(options.client ? { client: options.client } : {}),
      ...(options.connect ? { connect: options.connect } : {}),
      noNode: (channelId, cause) => new NoDataServiceInstanceError(channelId, cause === undefined ? {} : { cause }),
    });
  }

  /** Starts the membership (joins the watch for etcd); resolves once the ring reflects it. */
  start(): Promise<void> {
    return this.ring.start();
  }

  /** The instance that owns `channelId`. @throws {NoDataServiceInstanceError} when the ring is empty. */
  ownerOf(channelId: string): NodeId {
    return this.ring.ownerOf(channelId);
  }

  /** The client of the instance that owns `channelId` (made on first use, re-made if its address changed). */
  clientFor(channelId: string): MessageServiceClient {
    return this.ring.clientFor(channelId);
  }

  /** Instances with an open client now. */
  connectedInstances(): NodeId[] {
    return this.ring.connectedNodes();
  }

  createMessage(request: RequestOf<'createMessage'>, options?: CallOptions): Promise<ResponseOf<'createMessage'>> {
    return this.clientFor(request.channelId).createMessage(request, options);
  }

  getMessage(request: RequestOf<'getMessage'>, options?: CallOptions): Promise<ResponseOf<'getMessage'>> {
    return this.clientFor(request.channelId).getMessage(request, options);
  }

  batchGetMessages(request: RequestOf<'batchGetMessages'>, options?: CallOptions): Promise<ResponseOf<'batchGetMessages'>> {
    return this.clientFor(request.channelId).batchGetMessages(request, options);
  }

  getHistory(request: RequestOf<'getHistory'>, options?: CallOptions): Promise<ResponseOf<'getHistory'>> {
    return this.clientFor(request.channelId).getHistory(request, options);
  }

  editMessage(request: RequestOf<'editMessage'>, options?: CallOptions): Promise<ResponseOf<'editMessage'>> {
    return this.clientFor(request.channelId).editMessage(request, options);
  }

  deleteMessage(request: RequestOf<'deleteMessage'>, options?: CallOptions): Promise<ResponseOf<'deleteMessage'>> {
    return this.clientFor(request.channelId).deleteMessage(request, options);
  }

  bulkDeleteMessages(request: RequestOf<'bulkDeleteMessages'>, options?: CallOptions): Promise<ResponseOf<'bulkDeleteMessages'>> {
    return this.clientFor(request.channelId).bulkDeleteMessages(request, options);
  }

  /** Closes every client and stops following the ring; the membership is the caller's to stop. */
  close(): void {
    this.ring.close();
  }
}
