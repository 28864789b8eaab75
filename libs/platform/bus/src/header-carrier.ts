import type { HeaderCarrier } from '@chat/observability';

/** Lets the trace propagator read and write a plain header record (bus headers, Envelope.trace_context). */
export function recordCarrier(headers: Record<string, string>): HeaderCarrier {
  return {
    get: (key) => headers[key],
    set: (key, value) => {
      headers[key] = value;
    },
    keys: () => Object.keys(headers),
  };
}
