/**
 * The part of IDENTIFY both voice routes share (Discord's voice gateway and
 * the browsers' WebRTC route): check and consume the single-use token, take
 * the seat over from an earlier session of it, give the newcomer an ssrc and
 * a media peer in its call, and open its VoiceSession with the seat's
 * mute/deafen applied. The route then answers (READY, or `ready`) and tells
 * the others.
 */
import { isSnowflake } from '@chat/snowflake';
import { effectiveDeaf, effectiveMute } from '../allocation/call-registry';
import type { SeatClaim } from '../allocation/token-store';
import { VoiceProtocolError } from '../errors';
import type { CallMedia, MediaPeer } from '../media';
import type { VoiceGatewayDeps } from './voice-connection';
import { VoiceClose } from './voice-opcodes';
import { VoiceSession, type SessionSocket } from './voice-session';

/** The identifying fields both routes' IDENTIFY carry (Discord's names). */
export interface VoiceIdentity {
  readonly server_id: string;
  readonly user_id: string;
  readonly session_id: string;
  readonly token: string;
}

/** How the route joins the call and how its session ends. */
export interface AdmitOptions {
  /** Joins the call with the allocated ssrc: a UDP peer, or a sink peer behind WebRTC. */
  joinCall(call: CallMedia, userId: string, ssrc: number): MediaPeer;
  /** How long a dropped socket's session waits for RESUME (0: none). */
  readonly graceMs: number;
  onEnded?(session: VoiceSession): void;
}

/** Admits one identified client; throws VoiceProtocolError 4004 for a malformed id or a bad, used or expired token. */
export function admitSession(deps: VoiceGatewayDeps, identity: VoiceIdentity, socket: SessionSocket, options: AdmitOptions): { session: VoiceSession; claim: SeatClaim } {
  if (!isSnowflake(identity.server_id) || !isSnowflake(identity.user_id)) throw new VoiceProtocolError(VoiceClose.AuthenticationFailed, 'server_id and user_id must be snowflakes');
  const claim = deps.tokens.consume(identity.token, { guildId: identity.server_id, userId: identity.user_id, sessionId: identity.session_id });
  if (typeof claim === 'string') throw new VoiceProtocolError(VoiceClose.AuthenticationFailed, `authentication failed (${claim} token)`);
  const { registry, media, directory } = deps;
  const seat = registry.seatFor(claim);
  const previous = seat.link;
  if (previous instanceof VoiceSession) previous.replace(VoiceClose.SessionNoLongerValid, 'session replaced');
  else previous?.end(VoiceClose.SessionNoLongerValid, 'session replaced');
  const ssrc = media.allocateSsrc();
  const peer = options.joinCall(media.call(claim.guildId, claim.channelId), claim.userId, ssrc);
  const session = new VoiceSession(seat, peer, identity.token, socket, { directory, registry, graceMs: options.graceMs, ...(options.onEnded ? { onEnded: options.onEnded } : {}) });
  seat.ssrc = ssrc;
  seat.link = session;
  seat.connected = true;
  seat.speaking = false;
  session.applyMedia(effectiveMute(seat), effectiveDeaf(seat));
  return { session, claim };
}
