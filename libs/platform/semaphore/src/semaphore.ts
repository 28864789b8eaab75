import { AcquireCancelledError, SemaphoreQueueFullError, SemaphoreTimeoutError } from './errors';

/** Gives a permit back; calling it again does nothing. */
export type Release = () => void;

/** What the semaphore reports on every change, for gauges. */
export interface SemaphoreState {
  /** Permits held now. */
  readonly inUse: number;
  /** Callers waiting for a permit now. */
  readonly queued: number;
}

/** Why a caller was turned away. */
export type RejectReason = 'queue_full' | 'deadline' | 'cancelled';

/** Options of a {@link Semaphore}. */
export interface SemaphoreOptions {
  /** Name in errors and logs. Default "semaphore". */
  name?: string;
  /** Permits: how many holders at once (at least 1). */
  maxConcurrent: number;
  /** Most callers that may wait; beyond it `acquire` rejects at once. 0 means never wait. */
  maxQueued: number;
  /** Longest wait for a caller that has no deadline, in ms, so no caller waits forever. Default 10000. */
  maxWaitMs?: number;
  /** Told of every change of `inUse` or `queued`. */
  onChange?: (state: SemaphoreState) => void;
  /** Told of every caller turned away, with the reason. */
  onReject?: (reason: RejectReason) => void;
  /** Told how long each granted caller waited, in ms (0 for an immediate grant). */
  onAcquire?: (waitedMs: number) => void;
}

/** Options of one `acquire`. */
export interface AcquireOptions {
  /** Aborting it while queued rejects with AcquireCancelledError. */
  signal?: AbortSignal;
  /** The caller's deadline: queued past it, the caller gets SemaphoreTimeoutError (RESOURCE_EXHAUSTED). */
  deadline?: Date;
}

interface Waiter {
  grant: (release: Release) => void;
  fail: (error: Error) => void;
}

/**
 * Bounded concurrency for one process, after discord/semaphore: at most
 * `maxConcurrent` holders; past that, callers queue (FIFO) up to
 * `maxQueued`, each waiting no longer than its deadline; past the queue bound
 * they are refused at once. Both refusals are OverloadedErrors, which the
 * gRPC boundary maps to RESOURCE_EXHAUSTED. Nothing queues without limit.
 */
export class Semaphore {
  readonly name: string;
  private readonly maxConcurrent: number;
  private readonly maxQueued: number;
  private readonly maxWaitMs: number;
  private readonly queue: Waiter[] = [];
  private held = 0;

  constructor(private readonly options: SemaphoreOptions) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new RangeError(`maxConcurrent must be an integer >= 1, got ${options.maxConcurrent}`);
    if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) throw new RangeError(`maxQueued must be an integer >= 0, got ${options.maxQueued}`);
    this.name = options.name ?? 'semaphore';
    this.maxConcurrent = options.maxConcurrent;
    this.maxQueued = options.maxQueued;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  /** Permits held now. */
  get inUse(): number {
    return this.held;
  }

  /** Callers waiting now. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Resolves with a release function once a permit is held. Rejects with
   * SemaphoreQueueFullError (queue full), SemaphoreTimeoutError (deadline
   * passed while queued) or AcquireCancelledError (signal aborted).
   */
  acquire(options: AcquireOptions = {}): Promise<Release> {
    const { signal, deadline } = options;
    if (signal?.aborted) return this.refuse('cancelled', new AcquireCancelledError(this.name, { cause: signal.reason }));
    if (this.held < this.maxConcurrent && this.queue.length === 0) {
      this.held += 1;
      this.changed();
      this.options.onAcquire?.(0);
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueued) return this.refuse('queue_full', new SemaphoreQueueFullError(this.name, this.maxQueued));
    const waitMs = Math.min(this.maxWaitMs, deadline ? deadline.getTime() - Date.now() : this.maxWaitMs);
    if (waitMs <= 0) return this.refuse('deadline', new SemaphoreTimeoutError(this.name, 0));
    return new Promise<Release>((resolve, reject) => {
      const since = performance.now();
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        grant: (release) => {
          cleanup();
          this.options.onAcquire?.(performance.now() - since);
          resolve(release);
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const drop = (reason: RejectReason, error: Error) => {
        const index = this.queue.indexOf(waiter);
        if (index < 0) return;
        this.queue.splice(index, 1);
        this.changed();
        this.options.onReject?.(reason);
        waiter.fail(error);
      };
      const onAbort = () => drop('cancelled', new AcquireCancelledError(this.name, { cause: signal?.reason }));
      const timer = setTimeout(() => drop('deadline', new SemaphoreTimeoutError(this.name, Math.round(performance.now() - since))), waitMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.changed();
    });
  }

  /** Runs `fn` holding a permit and releases it however `fn` ends. */
  async run<T>(fn: () => Promise<T>, options: AcquireOptions = {}): Promise<T> {
    const release = await this.acquire(options);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) {
        // Hand the permit straight to the next waiter: `held` stays the same.
        this.changed();
        next.grant(this.releaser());
        return;
      }
      this.held -= 1;
      this.changed();
    };
  }

  private refuse(reason: RejectReason, error: Error): Promise<never> {
    this.options.onReject?.(reason);
    return Promise.reject(error);
  }

  private changed(): void {
    this.options.onChange?.({ inUse: this.held, queued: this.queue.length });
  }
}
