import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { injectTraceContext } from '@chat/observability';
import { CancelledError } from '@chat/errors';
import { outboundDeadline } from './call-context';
import type { AsyncClient, CallOptions, MethodShape, ServiceShape } from './handlers';
import { metadataCarrier } from './metadata-carrier';
import { fromServiceError } from './status-map';

/** Options of a service client. */
export interface ClientOptions {
  /** Timeout of every unary call unless the call says otherwise (default 5000 ms). Never unbounded. */
  defaultTimeoutMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: Record<string, string | number>;
}

/** A promise-based client plus the underlying channel's close. */
export type ServiceClient<D extends ServiceShape> = AsyncClient<D> & { close(): void; readonly address: string };

function callMetadata(options: CallOptions | undefined): Metadata {
  const metadata = options?.metadata?.clone() ?? new Metadata();
  injectTraceContext(metadataCarrier(metadata));
  return metadata;
}

function unaryCall(client: Client, method: MethodShape, defaultTimeoutMs: number) {
  return (request: unknown, options?: CallOptions) =>
    new Promise<unknown>((resolve, reject) => {
      if (options?.signal?.aborted) {
        reject(new CancelledError(`${method.path} was cancelled before it started`));
        return;
      }
      const deadline = outboundDeadline(options?.timeoutMs ?? defaultTimeoutMs);
      const call = client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        request,
        callMetadata(options),
        { deadline },
        (error: ServiceError | null, response?: unknown) => {
          options?.signal?.removeEventListener('abort', cancel);
          if (error) reject(fromServiceError(error, method.path));
          else resolve(response);
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
  const client = new Constructor(address, credentials.createInsecure(), options.channelOptions ?? {});
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
  const methods: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    methods[name] = method.responseStream ? streamCall(client, method) : unaryCall(client, method, defaultTimeoutMs);
  }
  return Object.assign(methods as AsyncClient<D>, { close: () => client.close(), address });
}
