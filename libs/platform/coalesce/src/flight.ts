import { WaiterCancelledError, FlightAbandonedError } from './errors';

/**
 * One shared execution of a coalesced call and the waiters attached to it.
 * Each waiter gets its own promise; a waiter whose signal aborts is rejected
 * alone. When the last waiter leaves before the call settles, the call's
 * AbortSignal fires and `onAbandoned` detaches the flight so that later
 * requests start a fresh one.
 */
export class Flight<T> {
  private readonly controller = new AbortController();
  private readonly result: Promise<T>;
  private waiters = 0;
  private done = false;

  constructor(
    readonly key: string,
    call: (signal: AbortSignal) => Promise<T>,
    private readonly onSettled: (flight: Flight<T>) => void,
  ) {
    let started: Promise<T>;
    try {
      started = call(this.controller.signal);
    } catch (error) {
      started = Promise.reject(error);
    }
    this.result = started.finally(() => {
      this.done = true;
      this.onSettled(this);
    });
    // Waiters attach their own handlers; this one keeps a rejection nobody waits for from being "unhandled".
    this.result.catch(() => undefined);
  }

  /** True once the shared call resolved or rejected. */
  get settled(): boolean {
    return this.done;
  }

  /** True when the call's signal fired because every waiter left. */
  get abandoned(): boolean {
    return this.controller.signal.aborted;
  }

  /** How many waiters are still attached. */
  get waiterCount(): number {
    return this.waiters;
  }

  /** Attaches a waiter; it settles with the shared result unless its own `signal` aborts first. */
  join(signal: AbortSignal | undefined): Promise<T> {
    this.waiters += 1;
    if (!signal) {
      return this.result;
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        reject(new WaiterCancelledError(this.key, { cause: signal.reason }));
        this.leave();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.result.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private leave(): void {
    this.waiters -= 1;
    if (this.waiters === 0 && !this.done && !this.abandoned) {
      this.controller.abort(new FlightAbandonedError(this.key));
      this.onSettled(this);
    }
  }
}
