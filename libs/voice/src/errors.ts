/** Errors of the voice service (the media layer has its own in media/errors.ts). */
import { InternalError, InvalidArgumentError, NotFoundError } from '@chat/errors';

/** Thrown by a VoiceService handler for a request field that is not a snowflake: INVALID_ARGUMENT. */
export class InvalidVoiceFieldError extends InvalidArgumentError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected = 'a snowflake (decimal digits)',
  ) {
    super(`${field} must be ${expected}, got ${JSON.stringify(value)}`, { details: { field } });
  }
}

/** Thrown by UpdateParticipant when the user has neither a seat nor a connection in the call: NOT_FOUND. */
export class ParticipantNotFoundError extends NotFoundError {
  constructor(
    readonly guildId: string,
    readonly channelId: string,
    readonly userId: string,
  ) {
    super(`user ${userId} is not in the call ${guildId}/${channelId}`, { details: { guildId, channelId, userId } });
  }
}

/** Thrown at start-up when the voice gateway's TLS certificate cannot be read or generated (openssl missing or failing). */
export class VoiceTlsError extends InternalError {
  constructor(
    message: string,
    /** The certificate path involved, when there is one. */
    readonly path: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/**
 * Thrown inside the voice gateway when a client breaks the protocol; the
 * connection is closed with `closeCode` (Discord's voice close codes, 4001..4016).
 * It never leaves the gateway.
 */
export class VoiceProtocolError extends InvalidArgumentError {
  constructor(
    /** The WebSocket close code sent to the client. */
    readonly closeCode: number,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
