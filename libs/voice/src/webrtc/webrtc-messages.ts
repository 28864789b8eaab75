/**
 * The JSON messages of the WebRTC signalling route (`wss://<endpoint>/webrtc`).
 * Every message is one text frame `{ "op": "<name>", ...fields }`.
 */
import { z } from 'zod';
import { VoiceProtocolError } from '../errors';
import { VoiceClose } from '../gateway/voice-opcodes';

/** Largest signalling frame accepted; an audio-only browser offer is 3-8 KB. */
export const MAX_SIGNAL_BYTES = 32 * 1024;

const snowflakeText = z.string().max(32);

/** Browser -> server. `identify` first, with the VOICE_SERVER_UPDATE token (server_id is the guild id). */
export const identifyMessage = z.object({
  op: z.literal('identify'),
  server_id: snowflakeText,
  user_id: snowflakeText,
  session_id: z.string().max(128),
  token: z.string().max(256),
});

/** Browser -> server: the SDP offer (one audio m-line, Opus 48000/2), once per session. */
export const offerMessage = z.object({ op: z.literal('offer'), sdp: z.string().min(1).max(MAX_SIGNAL_BYTES) });

/** Browser -> server: a trickled ICE candidate (optional: the answer carries the server's candidates). */
export const candidateMessage = z.object({
  op: z.literal('candidate'),
  candidate: z.object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullish(),
    sdpMLineIndex: z.number().int().min(0).max(64).nullish(),
  }),
});

/** Browser -> server: keeps idle proxies from dropping the socket; answered with `heartbeat_ack`. */
export const heartbeatMessage = z.object({ op: z.literal('heartbeat'), nonce: z.number().finite().optional() });

/** Browser -> server: leave the call (the PeerConnection and the seat go; the socket closes 1000). */
export const leaveMessage = z.object({ op: z.literal('leave') });

const clientMessage = z.discriminatedUnion('op', [identifyMessage, offerMessage, candidateMessage, heartbeatMessage, leaveMessage]);

/** A validated browser message. */
export type ClientMessage = z.infer<typeof clientMessage>;

/** Server -> browser messages. */
export type ServerMessage =
  | { op: 'ready'; ssrc: number; users: Array<{ user_id: string; ssrc: number; speaking: boolean }> }
  | { op: 'answer'; sdp: string }
  | { op: 'speaking'; user_id: string; ssrc: number; speaking: boolean }
  | { op: 'clients_connect'; user_ids: string[] }
  | { op: 'client_disconnect'; user_id: string }
  | { op: 'heartbeat_ack'; nonce?: number }
  | { op: 'error'; code: number; message: string };

/**
 * Parses one frame into a {@link ClientMessage}; throws a
 * {@link VoiceProtocolError} with 4002 (binary, too long, not JSON, unknown
 * op or wrong fields) whose message names what was wrong.
 */
export function decodeClientMessage(data: Buffer, isBinary: boolean): ClientMessage {
  if (isBinary) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'binary frames are not accepted');
  if (data.length > MAX_SIGNAL_BYTES) throw new VoiceProtocolError(VoiceClose.FailedToDecode, `frame longer than ${MAX_SIGNAL_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'frame is not JSON', { cause: error });
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'op';
    throw new VoiceProtocolError(VoiceClose.FailedToDecode, `bad message: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
