/**
 * Named errors of the testing lib. The integration global setup never skips:
 * when a real server cannot be had it throws one of these with the reason.
 */

/** The servers the integration suite needs (`s3` is SeaweedFS's S3 gateway in scripts/infra). */
export type InfraService = 'kafka' | 'cassandra' | 'elasticsearch' | 'etcd' | 's3';

/** Base class of every error this lib throws. */
export abstract class TestingError extends Error {
  override readonly name: string = 'TestingError';
}

/**
 * Thrown by the integration global setup when a server could not be obtained
 * from any source (environment, testcontainers, scripts/infra), or when an
 * endpoint it obtained does not answer.
 */
export class InfraUnavailableError extends TestingError {
  override readonly name = 'InfraUnavailableError';

  constructor(
    /** The server that could not be had. */
    readonly service: InfraService | 'grpcurl' | 'schemathesis',
    /** Where it was looked for: 'environment', 'testcontainers' or 'local'. */
    readonly source: string,
    /** What went wrong, for a human. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`infra: cannot get ${service} (${source}): ${reason}`, options);
  }
}

/**
 * Thrown when `scripts/infra/infra.sh` exits non-zero (its own output, with
 * the failing service and the tail of its log, has already been printed).
 */
export class InfraScriptError extends TestingError {
  override readonly name = 'InfraScriptError';

  constructor(
    /** The arguments infra.sh was run with, e.g. ['up', 'kafka']. */
    readonly args: readonly string[],
    /** Its exit code, or null when it was killed by a signal. */
    readonly exitCode: number | null,
    /** The last lines it wrote to stderr. */
    readonly stderrTail: string,
  ) {
    super(
      `infra: 'infra.sh ${args.join(' ')}' exited with ${exitCode ?? 'a signal'}` +
        (stderrTail ? `:\n${stderrTail}` : ''),
    );
  }
}

/**
 * Thrown when an environment variable that names an endpoint is malformed
 * (e.g. CASSANDRA_CONTACT_POINTS set without CASSANDRA_LOCAL_DC).
 */
export class InvalidInfraEnvError extends TestingError {
  override readonly name = 'InvalidInfraEnvError';

  constructor(
    /** The variable at fault. */
    readonly variable: string,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super(`infra: ${variable}: ${reason}`);
  }
}
