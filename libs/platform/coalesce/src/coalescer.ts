import { WaiterCancelledError } from './errors';
import { Flight } from './flight';

/** Counters of a {@link Coalescer}, for metrics. */
export interface CoalescerStats {
  /** Calls to `run` (every waiter counts). */
  readonly requests: number;
  /** Times the underlying call really ran (queries out). */
  readonly executions: number;
  /** `requests / executions`: how many requests one execution served on average (1 when nothing was shared). */
  readonly ratio: number;
  /** Flights running now. */
  readonly inFlight: number;
}

/** Options of one coalesced call. */
export interface CoalesceOptions {
  /** This waiter's cancellation: aborting rejects only this waiter with a WaiterCancelledError. */
  signal?: AbortSignal;
  /**
   * The invalidation scope (a channel id): `invalidate(scope)` detaches every
   * flight of the scope that is running, so later requests never join them.
   * Default: the empty scope.
   */
  scope?: string;
}

/** Options of a {@link Coalescer}. */
export interface CoalescerOptions {
  /** When false every request executes on its own (for comparisons and kill switches). Default true. */
  enabled?: boolean;
  /** Told of every request; `shared` is true when it joined a running flight. */
  onRequest?: (shared: boolean) => void;
}

/**
 * Request coalescing (single-flight) for reads. Concurrent requests with the
 * same scope and key share one execution of the underlying call and all get
 * its result or its error. Each waiter can cancel alone; the underlying call's
 * signal aborts only when every waiter has gone.
 *
 * Read-your-writes: after a write to a scope (a channel), call
 * `invalidate(scope)`; requests that start afterwards never join a flight
 * that started before it, so they see the write. Writes themselves must not
 * go through a coalescer.
 */
export class Coalescer<T> {
  private readonly scopes = new Map<string, Map<string, Flight<T>>>();
  private readonly enabled: boolean;
  private readonly onRequest: ((shared: boolean) => void) | undefined;
  private requestCount = 0;
  private executionCount = 0;
  private running = 0;

  constructor(options: CoalescerOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.onRequest = options.onRequest;
  }

  /**
   * Runs `call` for `key`, or joins the flight already running for the same
   * scope and key. `call` gets a signal that aborts when every waiter left.
   * Rejects with WaiterCancelledError when `options.signal` aborts first.
   */
  run(key: string, call: (signal: AbortSignal) => Promise<T>, options: CoalesceOptions = {}): Promise<T> {
    this.requestCount += 1;
    const { signal } = options;
    if (signal?.aborted) {
      this.onRequest?.(false);
      return Promise.reject(new WaiterCancelledError(key, { cause: signal.reason }));
    }
    const scope = options.scope ?? '';
    const flights = this.enabled ? this.scopes.get(scope) : undefined;
    const existing = flights?.get(key);
    if (existing) {
      this.onRequest?.(true);
      return existing.join(signal);
    }
    this.onRequest?.(false);
    return this.start(scope, key, call).join(signal);
  }

  /**
   * Detaches every running flight of `scope`: their current waiters still get
   * their results, but requests from now on start new executions. Call it
   * when a write to the scope has completed.
   */
  invalidate(scope: string): void {
    this.scopes.delete(scope);
  }

  /** Current counters. */
  stats(): CoalescerStats {
    return {
      requests: this.requestCount,
      executions: this.executionCount,
      ratio: this.executionCount === 0 ? 1 : this.requestCount / this.executionCount,
      inFlight: this.running,
    };
  }

  private start(scope: string, key: string, call: (signal: AbortSignal) => Promise<T>): Flight<T> {
    this.executionCount += 1;
    this.running += 1;
    let counted = true;
    const flight = new Flight<T>(key, call, (settledFlight) => {
      if (counted) {
        counted = false;
        this.running -= 1;
      }
      this.detach(scope, key, settledFlight);
    });
    if (this.enabled) {
      let flights = this.scopes.get(scope);
      if (!flights) {
        flights = new Map();
        this.scopes.set(scope, flights);
      }
      flights.set(key, flight);
    }
    return flight;
  }

  private detach(scope: string, key: string, flight: Flight<T>): void {
    const flights = this.scopes.get(scope);
    if (flights?.get(key) !== flight) return;
    flights.delete(key);
    if (flights.size === 0) this.scopes.delete(scope);
  }
}
