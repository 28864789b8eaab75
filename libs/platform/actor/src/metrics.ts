/**
 * The metrics hook. The runtime reports through this interface so the
 * observability lib can back it with prom-client without this lib depending
 * on it. Note: actor ids can be high-cardinality (one per guild); an adapter
 * should aggregate rather than label by id.
 */

/** Receives runtime measurements; every method must be cheap and never throw. */
export interface ActorMetrics {
  /** Queued messages of `id` after an enqueue or dequeue. */
  mailboxDepth(id: string, depth: number): void;
  /** One message of `type` handled by `id` in `ms` (including failed ones). */
  processed(id: string, type: string, ms: number): void;
  /** The supervisor restarted `id`. */
  restarted(id: string): void;
  /** A message to `id` was dropped because the actor was stopping or stopped. */
  deadLetter(id: string): void;
}

/** Metrics sink that records nothing (the default). */
export const noopActorMetrics: ActorMetrics = {
  mailboxDepth: () => undefined,
  processed: () => undefined,
  restarted: () => undefined,
  deadLetter: () => undefined,
};

/** Wraps `metrics` so a throwing sink is logged instead of breaking an actor. */
export function guardMetrics(metrics: ActorMetrics, onError: (error: unknown) => void): ActorMetrics {
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      try {
        fn.apply(metrics, args);
      } catch (error) {
        onError(error);
      }
    };
  return {
    mailboxDepth: guard(metrics.mailboxDepth),
    processed: guard(metrics.processed),
    restarted: guard(metrics.restarted),
    deadLetter: guard(metrics.deadLetter),
  };
}
