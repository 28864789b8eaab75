import { inject } from 'vitest';

/** Where each real server used by the integration suite listens, and what it is. */
export interface InfraEndpoints {
  kafka: { brokers: string[]; version: string; source: InfraSource };
  cassandra: { contactPoints: string[]; localDataCenter: string; version: string; source: InfraSource };
  elasticsearch: { url: string; version: string; source: InfraSource };
  etcd: { endpoints: string[]; version: string; source: InfraSource };
  /**
   * An S3-compatible object store (SeaweedFS in scripts/infra) that checks
   * SigV4 signatures against these static credentials. Use path-style
   * addressing (`forcePathStyle: true`): buckets are not DNS names here.
   */
  s3: {
    /** Base URL of the S3 API, e.g. http://127.0.0.1:18333 (no trailing slash). */
    endpoint: string;
    /** Region to sign with, e.g. us-east-1. */
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    version: string;
    source: InfraSource;
  };
  /** grpcurl, the gRPC command-line client the suite checks reflection with. */
  grpcurl: { bin: string; source: 'environment' | 'local' };
  /** schemathesis, which fuzzes the REST API from Discord's OpenAPI description. */
  schemathesis: { bin: string; source: 'environment' | 'local' };
}

/** How an endpoint was obtained: given in the environment, a testcontainers container, or scripts/infra. */
export type InfraSource = 'environment' | 'testcontainers' | 'local';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: InfraEndpoints;
  }
}

/**
 * The real servers for this integration run. Only valid inside `*.int.spec.ts`
 * files, whose global setup resolved them (and failed the run if it could not).
 */
export function infra(): InfraEndpoints {
  return inject('infra');
}
