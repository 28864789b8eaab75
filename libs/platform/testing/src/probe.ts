import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Client as ElasticClient } from '@elastic/elasticsearch';
import cassandra from 'cassandra-driver';
import { Etcd3 } from 'etcd3';
import { Kafka, logLevel } from 'kafkajs';

import { InfraUnavailableError, type InfraService } from './errors';
import { UNKNOWN_VERSION } from './env-source';
import type { InfraEndpoints } from './endpoints';

/** How long one probe may take before the server counts as unreachable. */
const PROBE_TIMEOUT_MS = 15_000;

/** Rejects after `ms` with a plain timeout message. */
async function withTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects an admin client and lists the brokers; Kafka does not report its release. */
async function probeKafka(e: InfraEndpoints['kafka']): Promise<string> {
  const admin = new Kafka({ brokers: e.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('metadata lists no brokers');
    return e.version;
  } finally {
    await admin.disconnect();
  }
}

/** Asks the node for `system.local.release_version`. */
async function probeCassandra(e: InfraEndpoints['cassandra']): Promise<string> {
  const client = new cassandra.Client({ contactPoints: e.contactPoints, localDataCenter: e.localDataCenter });
  try {
    const result = await client.execute('SELECT release_version FROM system.local');
    return String(result.first()?.['release_version'] ?? e.version);
  } finally {
    await client.shutdown();
  }
}

/** Checks cluster health and reads the node version from _cat/nodes. */
async function probeElasticsearch(e: InfraEndpoints['elasticsearch']): Promise<string> {
  const client = new ElasticClient({ node: e.url });
  try {
    const health = await client.cluster.health({ wait_for_status: 'yellow', timeout: '10s' });
    if (health.status === 'red') throw new Error('cluster health is red');
    const nodes = await client.cat.nodes({ h: 'version', format: 'json' });
    return nodes[0]?.version ?? e.version;
  } finally {
    await client.close();
  }
}

/** Reads the server version from the maintenance status of one member. */
async function probeEtcd(e: InfraEndpoints['etcd']): Promise<string> {
  const client = new Etcd3({ hosts: e.endpoints, dialTimeout: 5_000 });
  try {
    const status = await client.maintenance.status();
    return status.version;
  } finally {
    client.close();
  }
}

/**
 * Lists buckets with a SigV4-signed request (so the credentials are checked),
 * and reads the version SeaweedFS puts in its `Server` header
 * ("SeaweedFS 30GB 4.53"); other stores keep the given version.
 */
async function probeS3(e: InfraEndpoints['s3']): Promise<string> {
  const client = new S3Client({
    endpoint: e.endpoint,
    region: e.region,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    forcePathStyle: true,
    maxAttempts: 2,
  });
  try {
    await client.send(new ListBucketsCommand({}));
  } finally {
    client.destroy();
  }
  const server = (await fetch(`${e.endpoint}/`, { signal: AbortSignal.timeout(5_000) })).headers.get('server') ?? '';
  return /^SeaweedFS\b.*?(\d+\.\d+)\s*$/.exec(server)?.[1] ?? e.version;
}

/**
 * Checks that a server answers a real request and returns its version (the
 * one the server reports where it does; Kafka's as given, or 'unknown').
 * For S3, a signed ListBuckets (wrong credentials fail here).
 *
 * @throws InfraUnavailableError when it does not answer within 15 s.
 */
export async function probe<S extends InfraService>(service: S, endpoint: InfraEndpoints[S]): Promise<string> {
  try {
    const work: Promise<string> =
      service === 'kafka'
        ? probeKafka(endpoint as InfraEndpoints['kafka'])
        : service === 'cassandra'
          ? probeCassandra(endpoint as InfraEndpoints['cassandra'])
          : service === 'elasticsearch'
            ? probeElasticsearch(endpoint as InfraEndpoints['elasticsearch'])
            : service === 'etcd'
              ? probeEtcd(endpoint as InfraEndpoints['etcd'])
              : probeS3(endpoint as InfraEndpoints['s3']);
    const version = await withTimeout(PROBE_TIMEOUT_MS, work);
    return version || UNKNOWN_VERSION;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InfraUnavailableError(service, endpoint.source, `${describe(service, endpoint)} did not answer: ${reason}`, {
      cause: error,
    });
  }
}

/** The address part of an endpoint, for log lines and errors. */
export function describe<S extends InfraService>(service: S, endpoint: InfraEndpoints[S]): string {
  switch (service) {
    case 'kafka':
      return (endpoint as InfraEndpoints['kafka']).brokers.join(',');
    case 'cassandra': {
      const c = endpoint as InfraEndpoints['cassandra'];
      return `${c.contactPoints.join(',')} (dc ${c.localDataCenter})`;
    }
    case 'elasticsearch':
      return (endpoint as InfraEndpoints['elasticsearch']).url;
    case 's3':
      return (endpoint as InfraEndpoints['s3']).endpoint;
    default:
      return (endpoint as InfraEndpoints['etcd']).endpoints.join(',');
  }
}
