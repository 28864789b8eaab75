/** Errors of the gateway relay. */
import { InvalidArgumentError } from '@chat/errors';

/** Thrown when a SessionRelay call names a session that was never registered (or was unregistered). */
export class SessionNotRegisteredError extends InvalidArgumentError {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is not registered with the relay`, { details: { sessionId } });
  }
}
