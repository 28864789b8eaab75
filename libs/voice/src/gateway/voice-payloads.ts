import { z } from 'zod';
import { VoiceProtocolError } from '../errors';
import { MAX_PAYLOAD_BYTES, VoiceClose } from './voice-opcodes';

/** A decoded client frame: an opcode and its data, not yet checked against the opcode. */
export interface VoiceFrame {
  op: number;
  d: unknown;
}

const frameSchema = z.object({ op: z.number().int().min(0).max(255), d: z.unknown(), seq: z.number().optional() });

/** IDENTIFY (op 0). */
export const identifySchema = z.object({
  server_id: z.string().max(32),
  user_id: z.string().max(32),
  session_id: z.string().max(128),
  token: z.string().max(256),
  max_dave_protocol_version: z.number().int().optional(),
  video: z.boolean().optional(),
});

/** SELECT_PROTOCOL (op 1); extra fields (codecs, rtc_connection_id) are ignored. */
export const selectProtocolSchema = z.object({
  protocol: z.string().max(32),
  data: z.object({
    address: z.string().max(64),
    port: z.number().int().min(0).max(65535),
    mode: z.string().max(64),
  }),
});

/** HEARTBEAT (op 3): a nonce in v4, `{t, seq_ack}` in v8. */
export const heartbeatSchema = z.union([z.number(), z.string().max(64), z.object({ t: z.number(), seq_ack: z.number().int().optional() })]);

/** SPEAKING (op 5) from a client. */
export const speakingSchema = z.object({
  speaking: z.number().int().min(0).max(0xff),
  delay: z.number().optional(),
  ssrc: z.number().int().optional(),
});

/** RESUME (op 7); v8 adds the last seq the client saw. */
export const resumeSchema = z.object({
  server_id: z.string().max(32),
  session_id: z.string().max(128),
  token: z.string().max(256),
  seq_ack: z.number().int().optional(),
});

/**
 * Decodes one WebSocket message into a frame. Binary frames, frames over
 * {@link MAX_PAYLOAD_BYTES}, bad JSON and anything without an integer `op`
 * throw a VoiceProtocolError with close code 4002.
 */
export function decodeFrame(data: Buffer, isBinary: boolean): VoiceFrame {
  if (isBinary) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'binary frames are not accepted (no DAVE)');
  if (data.length > MAX_PAYLOAD_BYTES) throw new VoiceProtocolError(VoiceClose.FailedToDecode, `payload of ${data.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'payload is not JSON', { cause: error });
  }
  const frame = frameSchema.safeParse(parsed);
  if (!frame.success) throw new VoiceProtocolError(VoiceClose.FailedToDecode, 'payload needs an integer op');
  return { op: frame.data.op, d: frame.data.d };
}

/** Checks an opcode's data against its schema; a mismatch closes with 4002. */
export function payloadOf<T>(schema: z.ZodType<T>, frame: VoiceFrame): T {
  const result = schema.safeParse(frame.d);
  if (!result.success) throw new VoiceProtocolError(VoiceClose.FailedToDecode, `op ${frame.op} has malformed data`);
  return result.data;
}
