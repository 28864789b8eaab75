import { UnavailableError } from '@chat/errors';

/** Thrown when no data-service instance is on the ring (none configured, or every one left). gRPC UNAVAILABLE. */
export class NoDataServiceInstanceError extends UnavailableError {
  constructor(
    /** The channel that could not be routed. */
    readonly channelId: string,
    options: { cause?: unknown } = {},
  ) {
    super(`no data-service instance to route channel ${channelId} to`, { ...options, details: { channelId } });
  }
}

