/**
 * What a session writes to: one WebSocket connection (compressed or not).
 * A session outlives its transport for the resume window.
 */
export interface SessionTransport {
  /** Distinguishes connections in logs and stale-close checks. */
  readonly id: number;
  /** Writes one complete gateway frame (JSON text as UTF-8 bytes or string). */
  send(frame: Buffer | string): void;
  /** Closes the connection with a gateway close code. Idempotent. */
  close(code: number, reason: string): void;
}

/** A non-dispatch frame: `{"op":op,"d":d,"s":null,"t":null}`. */
export function controlFrame(op: number, d: unknown): string {
  return JSON.stringify({ op, d, s: null, t: null });
}
