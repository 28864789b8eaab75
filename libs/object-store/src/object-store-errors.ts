/** Errors of the object store that are not about a key (see object-keys.ts for those). */
import { UnavailableError } from '@chat/errors';

/** The store could not be opened or reached. */
export class ObjectStoreUnavailableError extends UnavailableError {
  constructor(what: string, cause: unknown) {
    super(`object store unavailable: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause, details: { what } });
  }
}
