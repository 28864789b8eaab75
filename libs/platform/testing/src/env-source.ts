import { InvalidInfraEnvError, type InfraService } from './errors';
import type { InfraEndpoints, InfraSource } from './endpoints';

/** The services of the suite, in the order they are logged. */
export const INFRA_SERVICES: readonly InfraService[] = ['kafka', 'cassandra', 'elasticsearch', 'etcd', 's3'];

/** Region used for S3 when S3_REGION is not set. */
export const DEFAULT_S3_REGION = 'us-east-1';

/** Version recorded when nothing told us which one a server runs. */
export const UNKNOWN_VERSION = 'unknown';

/** Splits a comma-separated list, dropping blanks. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * Reads endpoints from `KEY=value` variables: the process environment, or the
 * endpoints.env that scripts/infra writes (same keys). A service is present
 * only when its address variable is set; `*_VERSION` is optional.
 *
 * Keys: KAFKA_BROKERS, CASSANDRA_CONTACT_POINTS + CASSANDRA_LOCAL_DC,
 * ELASTICSEARCH_URL, ETCD_ENDPOINTS (lists are comma-separated),
 * S3_ENDPOINT + S3_ACCESS_KEY_ID + S3_SECRET_ACCESS_KEY (S3_REGION optional,
 * default us-east-1; version from SEAWEEDFS_VERSION, else S3_VERSION).
 *
 * @throws InvalidInfraEnvError when a variable is set but unusable.
 */
export function endpointsFromVariables(
  vars: Readonly<Record<string, string | undefined>>,
  source: InfraSource,
): Partial<InfraEndpoints> {
  const out: Partial<InfraEndpoints> = {};
  const version = (key: string): string => vars[key]?.trim() || UNKNOWN_VERSION;
  const kafka = vars['KAFKA_BROKERS']?.trim();
  if (kafka) {
    out.kafka = { brokers: list(kafka), version: version('KAFKA_VERSION'), source };
  }
  const cassandra = vars['CASSANDRA_CONTACT_POINTS']?.trim();
  if (cassandra) {
    const dc = vars['CASSANDRA_LOCAL_DC']?.trim();
    if (!dc) {
      throw new InvalidInfraEnvError('CASSANDRA_LOCAL_DC', 'must be set with CASSANDRA_CONTACT_POINTS');
    }
    out.cassandra = {
      contactPoints: list(cassandra),
      localDataCenter: dc,
      version: version('CASSANDRA_VERSION'),
      source,
    };
  }
  const es = vars['ELASTICSEARCH_URL']?.trim();
  if (es) {
    if (!/^https?:\/\//.test(es)) {
      throw new InvalidInfraEnvError('ELASTICSEARCH_URL', `expected an http(s) URL, got '${es}'`);
    }
    out.elasticsearch = { url: es.replace(/\/+$/, ''), version: version('ELASTICSEARCH_VERSION'), source };
  }
  const etcd = vars['ETCD_ENDPOINTS']?.trim();
  if (etcd) {
    out.etcd = { endpoints: list(etcd), version: version('ETCD_VERSION'), source };
  }
  const s3 = vars['S3_ENDPOINT']?.trim();
  if (s3) {
    if (!/^https?:\/\//.test(s3)) {
      throw new InvalidInfraEnvError('S3_ENDPOINT', `expected an http(s) URL, got '${s3}'`);
    }
    const accessKeyId = vars['S3_ACCESS_KEY_ID']?.trim();
    const secretAccessKey = vars['S3_SECRET_ACCESS_KEY']?.trim();
    if (!accessKeyId || !secretAccessKey) {
      throw new InvalidInfraEnvError(
        accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID',
        'must be set with S3_ENDPOINT (S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)',
      );
    }
    out.s3 = {
      endpoint: s3.replace(/\/+$/, ''),
      region: vars['S3_REGION']?.trim() || DEFAULT_S3_REGION,
      accessKeyId,
      secretAccessKey,
      version: vars['SEAWEEDFS_VERSION']?.trim() || version('S3_VERSION'),
      source,
    };
  }
  return out;
}

/** Parses the `KEY=value` lines of an env file (comments and blanks ignored). */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    vars[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return vars;
}
