/**
 * The gateway's WebSocket class: ws closes a connection itself when a frame
 * breaks the transport rules (1007 for a text frame that is not UTF-8, 1009
 * for a frame over maxPayload) before any gateway code sees the frame.
 * Discord answers both with its own 4002 DECODE_ERROR, which clients
 * (discord.js among them) handle as a gateway close; this class makes ws's
 * own closes say the same. Every other close passes through unchanged.
 */
import { WebSocket } from 'ws';
import { CloseCode } from './gateway-codes';

/** ws's transport-level close codes that Discord reports as 4002, with the reason sent. */
const DECODE_CLOSES: ReadonlyMap<number, string> = new Map([
  [1007, 'Error while decoding payload: invalid UTF-8.'],
  [1009, 'Error while decoding payload: frame too large.'],
]);

/** A server-side WebSocket whose transport-level protocol closes use Discord's close code 4002. */
export class GatewaySocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    const reason = code === undefined ? undefined : DECODE_CLOSES.get(code);
    if (reason !== undefined) super.close(CloseCode.DECODE_ERROR, reason);
    else super.close(code, data);
  }
}
