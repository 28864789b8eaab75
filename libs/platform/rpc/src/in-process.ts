/**
 * In-process calls: when a client's address is a GrpcServer listening in
 * this same process (the all-in-one `npm start`, or a gateway and a data
 * service sharing a process), unary calls skip HTTP/2 and go straight to the
 * server's wrapped handler: same protobuf encode/decode on both sides (so
 * caller and handler never share objects), same deadline, cancellation,
 * trace context, metrics and error mapping, no sockets. Streams and calls
 * to other processes use the network as before.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/** A server's unary entry point as grpc-js calls it (what wrapUnary returns). */
export type UnaryImplementation = (call: InProcessCall, callback: (error: { code: status; details?: string; metadata?: Metadata } | null, response?: unknown) => void) => void;

/** The part of grpc-js's ServerUnaryCall the wrapped handlers use. */
export interface InProcessCall {
  request: unknown;
  metadata: Metadata;
  getDeadline(): Date | number;
  getPeer(): string;
  on(event: 'cancelled', listener: () => void): InProcessCall;
}

/** What a server offers to in-process callers. */
export interface InProcessServer {
  unaryImplementation(path: string): UnaryImplementation | undefined;
}

const servers = new Map<string, InProcessServer>();

/** Addresses a server bound to `host:port` answers on from this process. */
export function inProcessAddresses(host: string, port: number): string[] {
  const local = host === '0.0.0.0' || host === '::' || host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return local ? [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host}:${port}`] : [`${host}:${port}`];
}

/** Makes a listening server reachable in-process at `addresses`. */
export function registerInProcess(addresses: readonly string[], server: InProcessServer): void {
  for (const address of addresses) servers.set(address, server);
}

/** Removes a server (it stops): callers go back to the network, which then fails as a stopped server does. */
export function unregisterInProcess(server: InProcessServer): void {
  for (const [address, registered] of servers) if (registered === server) servers.delete(address);
}

/** The in-process implementation of `path` at `address`, if a server of this process serves it there. */
export function inProcessUnary(address: string, path: string): UnaryImplementation | undefined {
  return servers.get(address)?.unaryImplementation(path);
}

/**
 * Runs one unary call in-process. `encode`/`decode` are the method's
 * serializers; the request and the response each go through them once, as
 * on the wire. A deadline or an abort fails the call with the status the
 * network path would give (DEADLINE_EXCEEDED, CANCELLED) and tells the
 * handler (its context signal aborts).
 */
export function callInProcess(
  implementation: UnaryImplementation,
  method: { requestSerialize(v: unknown): Buffer; requestDeserialize(b: Buffer): unknown; responseSerialize(v: unknown): Buffer; responseDeserialize(b: Buffer): unknown },
  request: unknown,
  metadata: Metadata,
  deadline: Date | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const cancelled: (() => void)[] = [];
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (error: ServiceError | null, response?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(response);
    };
    const fail = (code: status, details: string) => {
      for (const listener of cancelled.splice(0)) listener();
      finish(Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() }) as ServiceError);
    };
    const onAbort = () => fail(status.CANCELLED, 'Cancelled on client');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (deadline) {
      timer = setTimeout(() => fail(status.DEADLINE_EXCEEDED, 'Deadline exceeded'), Math.max(0, deadline.getTime() - Date.now()));
    }
    const call: InProcessCall = {
      request: method.requestDeserialize(method.requestSerialize(request)),
      metadata,
      getDeadline: () => deadline ?? Infinity,
      getPeer: () => 'in-process',
      on(_event, listener) {
        cancelled.push(listener);
        return call;
      },
    };
    implementation(call, (error, response) => {
      if (error) finish(Object.assign(new Error(`${error.code} ${status[error.code]}: ${error.details ?? ''}`), { code: error.code, details: error.details ?? '', metadata: error.metadata ?? new Metadata() }) as ServiceError);
      else finish(null, method.responseDeserialize(method.responseSerialize(response)));
    });
  });
}
