import type { Metadata } from '@grpc/grpc-js';
import type { HeaderCarrier } from '@chat/observability';

/** Lets the trace propagator read and write gRPC metadata. */
export function metadataCarrier(metadata: Metadata): HeaderCarrier {
  return {
    get: (key) => {
      const value = metadata.get(key)[0];
      return typeof value === 'string' ? value : undefined;
    },
    set: (key, value) => metadata.set(key, value),
    keys: () => Object.keys(metadata.getMap()),
  };
}
