import { InvalidArgumentError } from '@chat/errors';

/** Thrown at start-up when a configuration key is missing, malformed or out of range; names the key. */
export class ConfigError extends InvalidArgumentError {
  constructor(
    /** The environment / file key that is wrong, e.g. `CHAT_GRPC_PORT`. */
    readonly key: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`configuration key ${key}: ${reason}`, { ...options, details: { key } });
  }
}

/** Thrown when the configuration file cannot be read or is not a JSON object. */
export class ConfigFileError extends InvalidArgumentError {
  constructor(
    readonly path: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`configuration file ${path}: ${reason}`, { ...options, details: { path } });
  }
}
