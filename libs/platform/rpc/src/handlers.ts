import type { Metadata } from '@grpc/grpc-js';

/** What every handler receives beside its request. */
export interface HandlerContext {
  /** The full method path, e.g. `/chat.guild.v1.GuildService/AttachSession`. */
  readonly method: string;
  readonly metadata: Metadata;
  /** The caller's deadline, if it set one; pass it on (outbound calls do so automatically). */
  readonly deadline: Date | undefined;
  /** Aborted when the caller cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly peer: string;
}

/** A unary handler: validate, call the actor or store, map the result. */
export type UnaryHandler<Req, Res> = (request: Req, context: HandlerContext) => Promise<Res>;

/** A server-streaming handler: yields responses until done or the caller goes away. */
export type ServerStreamHandler<Req, Res> = (request: Req, context: HandlerContext) => AsyncIterable<Res>;

/** The shape of one method in a ts-proto (outputServices=grpc-js) service definition. */
export interface MethodShape<Req = unknown, Res = unknown> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  readonly requestSerialize: (value: Req) => Buffer;
  readonly requestDeserialize: (value: Buffer) => Req;
  readonly responseSerialize: (value: Res) => Buffer;
  readonly responseDeserialize: (value: Buffer) => Res;
}

/** A service definition: method name to method shape. */
export type ServiceShape = Record<string, MethodShape<any, any>>;

type RequestOf<M> = M extends { requestDeserialize: (value: Buffer) => infer Req } ? Req : never;
type ResponseOf<M> = M extends { responseDeserialize: (value: Buffer) => infer Res } ? Res : never;

/** The async handler each method of a service definition needs. */
export type AsyncHandlers<D extends ServiceShape> = {
  [K in keyof D]: D[K] extends { requestStream: false; responseStream: true }
    ? ServerStreamHandler<RequestOf<D[K]>, ResponseOf<D[K]>>
    : D[K] extends { requestStream: false; responseStream: false }
      ? UnaryHandler<RequestOf<D[K]>, ResponseOf<D[K]>>
      : never;
};

/** Options of one outbound call. */
export interface CallOptions {
  /** Overrides the client's default timeout; the inbound deadline still caps it. */
  timeoutMs?: number;
  metadata?: Metadata;
  signal?: AbortSignal;
}

/** The promise-returning client each method of a service definition gets. */
export type AsyncClient<D extends ServiceShape> = {
  [K in keyof D]: D[K] extends { requestStream: false; responseStream: true }
    ? (request: RequestOf<D[K]>, options?: CallOptions) => AsyncIterable<ResponseOf<D[K]>>
    : D[K] extends { requestStream: false; responseStream: false }
      ? (request: RequestOf<D[K]>, options?: CallOptions) => Promise<ResponseOf<D[K]>>
      : never;
};

/** `chat.guild.v1.GuildService` from a definition's method paths. */
export function serviceNameOf(definition: ServiceShape): string {
  const first = Object.values(definition)[0];
  if (!first) throw new Error('a service definition needs at least one method');
  const match = /^\/([^/]+)\//.exec(first.path);
  if (!match?.[1]) throw new Error(`cannot read a service name from method path ${first.path}`);
  return match[1];
}
