/**
 * AbortSignal handling shared by the adapters. SQLite calls are synchronous,
 * so only a signal that fired before the call counts; the Cassandra driver
 * cannot abandon an in-flight query, so the caller stops waiting and the
 * late result is dropped.
 */
import { StoreCancelledError } from './errors';

/**
 * @throws {StoreCancelledError} when `signal` has already fired.
 */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted) throw new StoreCancelledError(operation, { cause: signal.reason });
}

/**
 * Runs `work` unless the signal has fired, and rejects with a
 * StoreCancelledError as soon as it fires while `work` is pending.
 */
export async function abortable<T>(signal: AbortSignal | undefined, operation: string, work: () => Promise<T>): Promise<T> {
  throwIfAborted(signal, operation);
  const pending = work();
  if (!signal) return pending;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new StoreCancelledError(operation, { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([pending, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    pending.catch(() => undefined);
  }
}
