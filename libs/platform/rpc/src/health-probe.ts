import { credentials, makeClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

/** Checks one address; true when the service answers SERVING. */
export interface HealthProbe {
  /** Asks `address` for the health of the probe's service; false on NOT_SERVING, an unknown service or any error. */
  check(address: string, signal?: AbortSignal): Promise<boolean>;
  /** Closes every channel the probe opened. */
  close(): void;
}

type HealthClient = Client & {
  Check(request: { service: string }, options: { deadline: Date }, callback: (error: ServiceError | null, response?: { status: string }) => void): { cancel(): void };
};

const HealthClientConstructor = makeClientConstructor(healthService, 'grpc.health.v1.Health') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options: Record<string, number>,
) => HealthClient;

/**
 * A probe of the standard gRPC health service (`grpc.health.v1.Health/Check`)
 * for one service name, e.g. `chat.guild.v1.GuildService`: what membership
 * probing (ProbedMembership in @chat/ring) and orchestrators ask. One channel
 * per address, reconnecting within a second of the peer coming back (the
 * grpc-js default backoff grows to 120 s, which would keep a restarted node
 * off the ring for minutes).
 */
export function grpcHealthProbe(serviceName: string, options: { timeoutMs?: number } = {}): HealthProbe {
  const clients = new Map<string, HealthClient>();
  const clientFor = (address: string): HealthClient => {
    let client = clients.get(address);
    if (!client) {
      client = new HealthClientConstructor(address, credentials.createInsecure(), {
        'grpc.initial_reconnect_backoff_ms': 200,
        'grpc.max_reconnect_backoff_ms': 1000,
      });
      clients.set(address, client);
    }
    return client;
  };
  return {
    check(address, signal) {
      return new Promise<boolean>((resolve) => {
        if (signal?.aborted) return resolve(false);
        const call = clientFor(address).Check({ service: serviceName }, { deadline: new Date(Date.now() + (options.timeoutMs ?? 1000)) }, (error, response) => {
          signal?.removeEventListener('abort', cancel);
          resolve(error === null && response?.status === 'SERVING');
        });
        const cancel = () => call.cancel();
        signal?.addEventListener('abort', cancel, { once: true });
      });
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
