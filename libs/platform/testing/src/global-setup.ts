import type { TestProject } from 'vitest/node';

import { containerRuntimeAvailable, startContainers } from './container-source';
import { endpointsFromVariables, INFRA_SERVICES } from './env-source';
import { InfraUnavailableError, type InfraService } from './errors';
import { resolveTool, startLocal } from './local-source';
import { describe, probe } from './probe';
import type { InfraEndpoints } from './endpoints';

/**
 * Global setup of the vitest `integration` project: finds a real Kafka,
 * Cassandra, Elasticsearch, etcd and S3-compatible object store (SeaweedFS),
 * checks each answers, and provides them as `infra` (read with `infra()` in
 * tests). Runs once per `vitest run`, so servers are started at most once.
 *
 * Per service, in order: (a) environment variables (KAFKA_BROKERS,
 * CASSANDRA_CONTACT_POINTS + CASSANDRA_LOCAL_DC, ELASTICSEARCH_URL,
 * ETCD_ENDPOINTS, S3_ENDPOINT + S3_ACCESS_KEY_ID + S3_SECRET_ACCESS_KEY);
 * (b) testcontainers, when a container runtime exists; (c)
 * `scripts/infra/infra.sh up` for the rest (S3 is its `seaweedfs` service).
 * It never skips: when a server cannot be had it throws
 * `InfraUnavailableError` with the reason.
 *
 * @returns the teardown, which stops exactly what this setup started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const found: Partial<InfraEndpoints> = endpointsFromVariables(process.env, 'environment');
  const stops: Array<() => Promise<void>> = [];
  const teardown = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
  };

  try {
    const missing = INFRA_SERVICES.filter((s) => found[s] === undefined);
    if (missing.length > 0) {
      if (await containerRuntimeAvailable()) {
        const containers = await startContainers(missing);
        stops.push(containers.stop);
        Object.assign(found, containers.endpoints);
      } else {
        const local = await startLocal(missing);
        stops.push(local.stop);
        Object.assign(found, local.endpoints);
      }
    }
    for (const tool of ['grpcurl', 'schemathesis'] as const) {
      const resolved = await resolveTool(tool);
      found[tool] = resolved;
      console.log(`infra: ${tool} at ${resolved.bin} (${resolved.source})`);
    }
    const endpoints = await verify(found);
    project.provide('infra', endpoints);
    return teardown;
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
}

/** Probes every endpoint (in parallel), fills in versions, logs one line each. */
async function verify(found: Partial<InfraEndpoints>): Promise<InfraEndpoints> {
  const versions = await Promise.all(
    INFRA_SERVICES.map(async (service) => {
      const endpoint = found[service];
      if (endpoint === undefined) {
        throw new InfraUnavailableError(service, 'all', 'no source produced an endpoint');
      }
      return await probe(service, endpoint);
    }),
  );
  const endpoints = found as InfraEndpoints;
  INFRA_SERVICES.forEach((service: InfraService, i) => {
    const endpoint = endpoints[service];
    endpoint.version = versions[i] ?? endpoint.version;
    console.log(`infra: ${service} ${endpoint.version} at ${describe(service, endpoint)} (${endpoint.source})`);
  });
  return endpoints;
}
