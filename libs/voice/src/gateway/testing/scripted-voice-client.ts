import WebSocket from 'ws';

/** A frame as the voice gateway sends it. */
export interface ReceivedFrame {
  op: number;
  d: any;
  seq?: number;
}

/** How the server closed the socket. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/**
 * A small scripted voice gateway client for tests: it records every frame,
 * lets a test await the next frame of an opcode, send anything (also raw or
 * binary bytes) and await the close code. It trusts the given CA only.
 */
export class ScriptedVoiceClient {
  readonly frames: ReceivedFrame[] = [];
  readonly closed: Promise<CloseInfo>;
  private readonly waiters: Array<{ op: number; from: number; resolve: (frame: ReceivedFrame) => void }> = [];
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.stopHeartbeats();
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(String(data)) as ReceivedFrame;
      this.frames.push(frame);
      const index = this.frames.length - 1;
      for (const waiter of [...this.waiters]) {
        if (waiter.op === frame.op && index >= waiter.from) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
  }

  /** Opens a connection to `wss://endpoint?v=version` and waits for it to be open. */
  static async open(endpoint: string, ca: Buffer, version = 4): Promise<ScriptedVoiceClient> {
    const ws = new WebSocket(`wss://${endpoint}?v=${version}`, { ca });
    const client = new ScriptedVoiceClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Resolves with the first frame of `op` received at or after index `from` (default: any, including ones already here). */
  next(op: number, options: { from?: number; timeoutMs?: number } = {}): Promise<ReceivedFrame> {
    const from = options.from ?? 0;
    const existing = this.frames.find((frame, index) => index >= from && frame.op === op);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter = { op, from, resolve: (frame: ReceivedFrame) => { clearTimeout(timer); resolve(frame); } };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no op ${op} within ${options.timeoutMs ?? 5000} ms; got ${JSON.stringify(this.frames.map((f) => f.op))}`));
      }, options.timeoutMs ?? 5000);
      this.waiters.push(waiter);
    });
  }

  /** Frames of one opcode received so far. */
  all(op: number): ReceivedFrame[] {
    return this.frames.filter((frame) => frame.op === op);
  }

  /** Sends `{op, d}` as JSON. */
  send(op: number, d: unknown): void {
    this.ws.send(JSON.stringify({ op, d }));
  }

  /** Sends bytes as they are, as a text or a binary frame. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Sends a v4 heartbeat and waits for its ack; proves the server handled everything sent before. */
  async roundTrip(): Promise<ReceivedFrame> {
    const from = this.frames.length;
    const nonce = Date.now();
    this.send(3, nonce);
    return this.next(6, { from });
  }

  /** Heartbeats every `ms` until closed. */
  startHeartbeats(ms: number): void {
    this.heartbeat = setInterval(() => {
      if (this.ws.readyState === WebSocket.OPEN) this.send(3, Date.now());
    }, ms);
  }

  /** Stops {@link startHeartbeats}. */
  stopHeartbeats(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
  }

  /** Drops the TCP connection without a close frame (a network loss as the server sees it). */
  drop(): void {
    this.stopHeartbeats();
    this.ws.terminate();
  }

  /** Closes politely. */
  close(): void {
    this.stopHeartbeats();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
  }
}
