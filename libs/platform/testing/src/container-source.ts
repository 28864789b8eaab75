
import { DEFAULT_S3_REGION } from './env-source';
import { InfraUnavailableError, type InfraService } from './errors';
import { freePort } from './free-port';
import type { InfraEndpoints } from './endpoints';

/** Images used when a container runtime exists; same versions as scripts/infra. */
export const IMAGES = {
  kafka: { name: 'apache/kafka', tag: '4.1.1' },
  cassandra: { name: 'cassandra', tag: '5.0.6' },
  elasticsearch: { name: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '9.2.0' },
  etcd: { name: 'quay.io/coreos/etcd', tag: 'v3.5.17' },
  // The release of the Go module scripts/infra builds (its version.go says 4.53).
  s3: { name: 'chrislusf/seaweedfs', tag: '4.53' },
} as const satisfies Record<InfraService, { name: string; tag: string }>;

/** Servers running in testcontainers containers, and how to remove them. */
export interface ContainerInfra {
  endpoints: Partial<InfraEndpoints>;
  /** Stops and removes every container this call started. */
  stop(): Promise<void>;
}

type Testcontainers = typeof import('testcontainers');
type Started = Awaited<ReturnType<InstanceType<Testcontainers['GenericContainer']>['start']>>;

/**
 * True when testcontainers finds a Docker-compatible runtime. Set
 * CHAT_INFRA_CONTAINERS=0 to never use containers.
 */
export async function containerRuntimeAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env['CHAT_INFRA_CONTAINERS'] === '0') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Starts one container and returns its endpoint. */
async function startOne(
  tc: Testcontainers,
  service: InfraService,
  host: string,
): Promise<{ container: Started; endpoint: Partial<InfraEndpoints> }> {
  const { GenericContainer, Wait } = tc;
  const image = `${IMAGES[service].name}:${IMAGES[service].tag}`;
  const version = IMAGES[service].tag.replace(/^v/, '');
  const source = 'testcontainers' as const;
  switch (service) {
    case 'kafka': {
      // Kafka hands clients the advertised address, so the host port must be known up front.
      const port = await freePort('0.0.0.0');
      const container = await new GenericContainer(image)
        .withExposedPorts({ container: 9092, host: port })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${port}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .withStartupTimeout(120_000)
        .start();
      return { container, endpoint: { kafka: { brokers: [`${host}:${port}`], version, source } } };
    }
    case 'cassandra': {
      const container = await new GenericContainer(image)
        .withExposedPorts(9042)
        .withEnvironment({ MAX_HEAP_SIZE: '1G', HEAP_NEWSIZE: '256M' })
        .withWaitStrategy(Wait.forLogMessage(/Starting listening for CQL clients/))
        .withStartupTimeout(240_000)
        .start();
      const contactPoints = [`${container.getHost()}:${container.getMappedPort(9042)}`];
      // The image's default SimpleSnitch names its only data centre "datacenter1".
      return { container, endpoint: { cassandra: { contactPoints, localDataCenter: 'datacenter1', version, source } } };
    }
    case 'elasticsearch': {
      const container = await new GenericContainer(image)
        .withExposedPorts(9200)
        .withEnvironment({
          'discovery.type': 'single-node',
          'xpack.security.enabled': 'false',
          'cluster.routing.allocation.disk.threshold_enabled': 'false',
          ES_JAVA_OPTS: '-Xms512m -Xmx512m',
        })
        .withWaitStrategy(Wait.forHttp('/_cluster/health?wait_for_status=yellow&timeout=1s', 9200).forStatusCode(200))
        .withStartupTimeout(180_000)
        .start();
      const url = `http://${container.getHost()}:${container.getMappedPort(9200)}`;
      return { container, endpoint: { elasticsearch: { url, version, source } } };
    }
    case 'etcd': {
      const container = await new GenericContainer(image)
        .withExposedPorts(2379)
        .withCommand([
          'etcd',
          '--listen-client-urls=http://0.0.0.0:2379',
          '--advertise-client-urls=http://0.0.0.0:2379',
        ])
        .withWaitStrategy(Wait.forHttp('/health', 2379).forStatusCode(200))
        .withStartupTimeout(60_000)
        .start();
      const endpoints = [`http://${container.getHost()}:${container.getMappedPort(2379)}`];
      return { container, endpoint: { etcd: { endpoints, version, source } } };
    }
    case 's3': {
      // Same static SigV4 identity and settings as scripts/infra/seaweedfs.sh.
      const accessKeyId = 'chat-infra';
      const secretAccessKey = 'chat-infra-secret';
      const identities = {
        identities: [
          {
            name: 'chat-infra-admin',
            credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
            actions: ['Admin', 'Read', 'List', 'Tagging', 'Write'],
          },
        ],
      };
      const container = await new GenericContainer(image)
        .withExposedPorts(8333)
        .withCopyContentToContainer([
          { content: JSON.stringify(identities), target: '/etc/seaweedfs/s3.json', mode: 0o644 },
          {
            content: '[master.volume_growth]\ncopy_1 = 1\nallocation_deferral = "0s"\n',
            target: '/etc/seaweedfs/master.toml',
            mode: 0o644,
          },
        ])
        .withCommand([
          'server',
          '-s3',
          '-s3.config=/etc/seaweedfs/s3.json',
          '-s3.autoCreateBucket=false',
          '-s3.port.iceberg=0',
          '-s3.port.lance=0',
          '-master.telemetry=false',
        ])
        // Unsigned requests are refused once the gateway is up: 403 AccessDenied.
        .withWaitStrategy(Wait.forHttp('/', 8333).forStatusCodeMatching((code) => code === 403 || code === 200))
        .withStartupTimeout(120_000)
        .start();
      const endpoint = `http://${container.getHost()}:${container.getMappedPort(8333)}`;
      return {
        container,
        endpoint: { s3: { endpoint, region: DEFAULT_S3_REGION, accessKeyId, secretAccessKey, version, source } },
      };
    }
  }
}

/**
 * Starts one container per service, in parallel.
 *
 * @throws InfraUnavailableError for the first service whose container did not
 *   start; the containers that did start are removed first.
 */
export async function startContainers(services: readonly InfraService[]): Promise<ContainerInfra> {
  const tc = await import('testcontainers');
  const host = (await tc.getContainerRuntimeClient()).info.containerRuntime.host;
  const results = await Promise.allSettled(services.map((s) => startOne(tc, s, host)));
  const containers: Started[] = [];
  const endpoints: Partial<InfraEndpoints> = {};
  for (const result of results) {
    if (result.status === 'fulfilled') {
      containers.push(result.value.container);
      Object.assign(endpoints, result.value.endpoint);
    }
  }
  const stop = async (): Promise<void> => {
    await Promise.allSettled(containers.map((c) => c.stop()));
  };
  const failure = results.findIndex((r) => r.status === 'rejected');
  if (failure >= 0) {
    await stop();
    const rejected = results[failure] as PromiseRejectedResult;
    const service = services[failure]!;
    throw new InfraUnavailableError(service, 'testcontainers', `container ${IMAGES[service].name} did not start`, {
      cause: rejected.reason,
    });
  }
  return { endpoints, stop };
}
