import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  status,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import type { Context } from '@opentelemetry/api';
import { injectTraceContext } from '@chat/observability';
import { CancelledError } from '@chat/errors';
import { outboundDeadline } from './call-context';
import type { AsyncClient, CallOptions, MethodShape, ServiceShape } from './handlers';
import { metadataCarrier } from './metadata-carrier';
import { callInProcess, inProcessUnary } from './in-process';
import { fromServiceError } from './status-map';
import { endRpcSpan, startClientSpan } from './rpc-spans';

/** Options of a service client. */
export interface ClientOptions {
  /** Timeout of every unary call unless the call says otherwise (default 5000 ms). Never unbounded. */
  defaultTimeoutMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: Record<string, string | number>;
  /**
   * Call a server of this same process directly (no HTTP/2) when the address
   * is one it listens on. Same encoding, deadlines, errors and metrics as
   * over the network (see in-process.ts). Default: true, unless the process
   * runs with CHAT_GRPC_IN_PROCESS=off (read when the client is made).
   */
  inProcess?: boolean;
}

/**
 * grpc-js waits up to 120 s between reconnects to an address that refused
 * (backoff 1 s, x1.6): a ring node that was down for a minute stayed
 * unreachable from its callers for minutes after it came back, and every
 * call failed at once meanwhile. Peers here are nodes of one cluster, so
 * reconnect at least every second.
 */
const RECONNECT_BACKOFF = { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 1_000 } as const;

/** A promise-based client plus the underlying channel's close. */
export type ServiceClient<D extends ServiceShape> = AsyncClient<D> & { close(): void; readonly address: string };

function callMetadata(options: CallOptions | undefined, traced?: Context): Metadata {
  const metadata = options?.metadata?.clone() ?? new Metadata();
  injectTraceContext(metadataCarrier(metadata), traced);
  return metadata;
}

function unaryCall(client: Client, method: MethodShape, defaultTimeoutMs: number, address: string, inProcess: boolean) {
  return (request: unknown, options?: CallOptions) =>
    new Promise<unknown>((resolve, reject) => {
      if (options?.signal?.aborted) {
        reject(new CancelledError(`${method.path} was cancelled before it started`));
        return;
      }
      const deadline = outboundDeadline(options?.timeoutMs ?? defaultTimeoutMs);
      const span = startClientSpan(method.path);
      const local = inProcess ? inProcessUnary(address, method.path) : undefined;
      const settle = (error: ServiceError | null, response?: unknown) => {
        endRpcSpan(span, error ? error.code : status.OK, error?.details);
        if (error) reject(fromServiceError(error, method.path));
        else resolve(response);
      };
      if (local) {
        callInProcess(local, method as never, request, callMetadata(options, span?.context), deadline, options?.signal).then((response) => settle(null, response), (error: unknown) => settle(error as ServiceError));
        return;
      }
      const call = client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        callMetadata(options, span?.context),
        { deadline },
        (error: ServiceError | null, response?: unknown) => {
          options?.signal?.removeEventListener('abort', cancel);
          settle(error, response);
        },
      );
      const cancel = () => call.cancel();
      options?.signal?.addEventListener('abort', cancel, { once: true });
    });
}

function streamCall(client: Client, method: MethodShape) {
  return (request: unknown, options?: CallOptions): AsyncIterable<unknown> => ({
    [Symbol.asyncIterator]: () => {
      // Streams are long-lived: no default timeout, but an explicit one or the inbound deadline still applies.
      const deadline = outboundDeadline(options?.timeoutMs);
      const stream: ClientReadableStream<unknown> = client.makeServerStreamRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        callMetadata(options),
        deadline ? { deadline } : {},
      );
      const cancel = () => stream.cancel();
      options?.signal?.addEventListener('abort', cancel, { once: true });
      const iterator = stream[Symbol.asyncIterator]();
      return {
        next: async () => {
          try {
            return await iterator.next();
          } catch (error) {
            throw fromServiceError(error as ServiceError, method.path);
          }
        },
        return: async () => {
          options?.signal?.removeEventListener('abort', cancel);
          stream.cancel();
          return { done: true, value: undefined };
        },
      };
    },
  });
}

/**
 * A client for a ts-proto service definition whose methods return promises
 * (unary) or async iterables (server streams). Every unary call has a deadline
 * (its own timeout, capped by the inbound call's deadline), carries the trace
 * context, and fails with a RemoteCallError whose kind follows the status.
 */
export function createServiceClient<D extends ServiceShape>(
  definition: D,
  address: string,
  options: ClientOptions = {},
): ServiceClient<D> {
  const Constructor = makeGenericClientConstructor(definition as never, 'chat');
  const client = new Constructor(address, credentials.createInsecure(), { ...RECONNECT_BACKOFF, ...options.channelOptions });
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    methods[name] = method.responseStream ? streamCall(client, method) : unaryCall(client, method, defaultTimeoutMs, address, options.inProcess ?? process.env.CHAT_GRPC_IN_PROCESS !== 'off');
  }
  return Object.assign(methods as AsyncClient<D>, { close: () => client.close(), address });
}
