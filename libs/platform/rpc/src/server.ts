import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { Histogram, type Registry } from 'prom-client';
import { silentLogger, type Logger } from '@chat/observability';
import { UnsupportedMethodError } from './errors';
import { serviceNameOf, type AsyncHandlers, type ServiceShape } from './handlers';
import { inProcessAddresses, registerInProcess, unregisterInProcess, type InProcessServer, type UnaryImplementation } from './in-process';
import { addReflection } from './reflection';
import { wrapServerStream, wrapUnary, type CallObserver } from './server-call';

/** Health and reflection: served by every GrpcServer, listed by reflection beside the project's services. */
const STANDARD_SERVICES = ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'];

/** Descriptors of the standard services, built by `npm run proto` from the packages that implement them. */
function standardDescriptorSet(): Buffer {
  return readFileSync(new URL('./descriptors/grpc-standard.binpb', import.meta.url));
}

/** Options of a GrpcServer. */
export interface GrpcServerOptions {
  logger?: Logger;
  /** A serialized FileDescriptorSet covering every service that may be added (for reflection). */
  descriptorSet?: Uint8Array;
  /** Where the request-duration histogram goes. */
  registry?: Registry;
  /** Largest message accepted, in bytes (default 4 MiB). */
  maxMessageBytes?: number;
}

/**
 * One gRPC server per process, shared by every module the process runs. It
 * carries the standard health service (per-service status, driven by the
 * module manager) and server reflection from the real descriptor set.
 * Services can be added after it listens; until then their calls get
 * UNIMPLEMENTED and their health is NOT_SERVING.
 */
export class GrpcServer implements InProcessServer {
  private readonly server: Server;
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly services = new Set<string>();
  private readonly logger: Logger;
  private readonly observe: CallObserver;
  private boundPort: number | undefined;
  /** Wrapped unary handlers by method path, for in-process callers. */
  private readonly unary = new Map<string, UnaryImplementation>();

  constructor(options: GrpcServerOptions = {}) {
    const maxBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
    this.server = new Server({ 'grpc.max_receive_message_length': maxBytes, 'grpc.max_send_message_length': maxBytes });
    this.logger = options.logger ?? silentLogger();
    this.health.addToServer(this.server);
    if (options.descriptorSet) {
      // Serialized FileDescriptorSets concatenate into one (their only field is repeated).
      const descriptors = Buffer.concat([options.descriptorSet, standardDescriptorSet()]);
      addReflection(this.server, descriptors, () => [...this.services, ...STANDARD_SERVICES].sort());
    }
    this.observe = options.registry ? durationObserver(options.registry) : () => undefined;
  }

  /** Registers a service with async handlers; its health starts NOT_SERVING until `setServing`. */
  addService<D extends ServiceShape>(definition: D, handlers: AsyncHandlers<D>): string {
    const name = serviceNameOf(definition);
    const implementation: UntypedServiceImplementation = {};
    for (const [methodName, method] of Object.entries(definition)) {
      const handler = (handlers as Record<string, unknown>)[methodName];
      if (typeof handler !== 'function') throw new UnsupportedMethodError(`${method.path} has no handler`);
      if (method.requestStream) throw new UnsupportedMethodError(`${method.path}: client streaming is not supported`);
      if (method.responseStream) implementation[methodName] = wrapServerStream(method.path, handler as never, this.logger, this.observe);
      else {
        const wrapped = wrapUnary(method.path, handler as never, this.logger, this.observe);
        implementation[methodName] = wrapped;
        this.unary.set(method.path, wrapped as unknown as UnaryImplementation);
      }
    }
    this.server.addService(definition as never, implementation);
    this.services.add(name);
    this.health.setStatus(name, 'NOT_SERVING');
    return name;
  }

  /** Sets a service's health (and the overall status '' when every service serves). */
  setServing(serviceName: string, serving: boolean): void {
    this.health.setStatus(serviceName, serving ? 'SERVING' : 'NOT_SERVING');
  }

  /** Sets the overall health status reported for the empty service name. */
  setOverallServing(serving: boolean): void {
    this.health.setStatus('', serving ? 'SERVING' : 'NOT_SERVING');
  }

  /** Names of the services added so far. */
  serviceNames(): string[] {
    return [...this.services].sort();
  }

  /** Binds `host:port` (port 0 for any free port) and resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
    });
    this.logger.info({ address: `${host}:${this.boundPort}` }, 'gRPC server listening');
    registerInProcess(inProcessAddresses(host, this.boundPort), this);
    return this.boundPort;
  }

  /** A unary method's wrapped handler, for callers in this process (see in-process.ts). */
  unaryImplementation(path: string): UnaryImplementation | undefined {
    return this.unary.get(path);
  }

  /** The bound port, once listening. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cancels the rest. */
  async stop(graceMs = 5000): Promise<void> {
    unregisterInProcess(this);
    this.setOverallServing(false);
    for (const name of this.services) this.setServing(name, false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function durationObserver(registry: Registry): CallObserver {
  const histogram = new Histogram({
    name: 'chat_grpc_server_handled_seconds',
    help: 'Time to handle a gRPC call, by method and status code',
    labelNames: ['method', 'code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (method, code, seconds) => histogram.observe({ method, code: status[code] ?? String(code) }, seconds);
}
