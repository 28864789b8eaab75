import { NotImplementedError } from '@chat/errors';
import type { AsyncHandlers, ServiceShape } from './handlers';

/**
 * Handlers that answer every method of a service with UNIMPLEMENTED and a
 * message saying where the work is tracked. Used while a contract exists but
 * its service does not yet; never a silent empty success.
 */
export function notImplementedHandlers<D extends ServiceShape>(definition: D, tracking: string): AsyncHandlers<D> {
  const handlers: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const fail = () => {
      throw new NotImplementedError(`${method.path.slice(1)} is not implemented yet (${tracking})`);
    };
    handlers[name] = method.responseStream
      ? // eslint-disable-next-line require-yield
        async function* () {
          fail();
        }
      : async () => fail();
  }
  return handlers as AsyncHandlers<D>;
}
