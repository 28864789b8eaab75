/**
 * Lets a sink peer sit in a {@link VoiceSession}, which was built for UDP
 * peers: mute, deafen and leave go to the sink; the UDP-only calls throw.
 */
import type { MediaPeer, SinkPeer } from '../media';
import { NotAUdpPeerError } from './errors';

/** A {@link MediaPeer} view of `sink` for the session machinery (directory, seat link, revoke, mute/deafen). */
export function sessionPeerOf(sink: SinkPeer): MediaPeer {
  return {
    userId: sink.userId,
    ssrc: sink.ssrc,
    remote: null,
    setMuted: (muted) => sink.setMuted(muted),
    setDeafened: (deafened) => sink.setDeafened(deafened),
    leave: () => sink.leave(),
    startSession() {
      throw new NotAUdpPeerError(sink.userId);
    },
    setRemote() {
      throw new NotAUdpPeerError(sink.userId);
    },
  };
}
