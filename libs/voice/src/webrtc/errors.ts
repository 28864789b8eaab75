/** Errors of the WebRTC signalling and media bridge. */
import { InternalError, InvalidArgumentError } from '@chat/errors';

/**
 * Thrown by {@link WebRtcPeer.answer} when an offer cannot be answered: the
 * SDP does not parse, has no audio m-line, or offers no Opus 48000/2. The
 * signalling connection turns it into an `error` message and close 4002.
 */
export class WebRtcNegotiationError extends InvalidArgumentError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/**
 * Thrown when the voice gateway asks a WebRTC session's media peer for a UDP
 * transport (startSession, setRemote): a WebRTC peer's media travels over its
 * PeerConnection, never over the node's UDP socket.
 */
export class NotAUdpPeerError extends InternalError {
  constructor(
    /** The user of the WebRTC session. */
    readonly userId: string,
    options: { cause?: unknown } = {},
  ) {
    super(`user ${userId} is a WebRTC peer and has no UDP transport`, options);
  }
}
