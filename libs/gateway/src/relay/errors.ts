/** Errors of the gateway relay. */
import { InvalidArgumentError, UnavailableError } from '@chat/errors';

/** Thrown when a SessionRelay call names a session that was never registered (or was unregistered). */
export class SessionNotRegisteredError extends InvalidArgumentError {
  constructor(readonly sessionId: string) {
    super(`session ${sessionId} is not registered with the relay`, { details: { sessionId } });
  }
}

/**
 * Thrown by an attach aimed at a guild node whose dispatch stream broke and
 * would not reopen: the node is taken for dead and the attach is retried
 * (by then the ring usually names the guild's next owner).
 */
export class GuildNodeDownError extends UnavailableError {
  constructor(readonly guildNodeId: string) {
    super(`guild node ${guildNodeId} is down (its dispatch stream broke and did not reopen)`, { details: { guildNodeId } });
  }
}
