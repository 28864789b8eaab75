/**
 * One gateway session in the benchmark process that counts what it
 * receives: WebSocket payload bytes and frames per event type (dispatches by
 * `t`, everything else by opcode, e.g. "op 11" for HEARTBEAT_ACK), and keeps
 * the dispatches since the last reset so a benchmark can check them. Used by
 * the passive benchmark; heartbeats at the advertised interval. With
 * `compress`, the session asks for `compress=zlib-stream` and inflates each
 * message with one inflater for the connection; `wireBytes` then counts the
 * compressed payload bytes, `bytes` the JSON text.
 */
import { constants, createInflate, type Inflate } from 'node:zlib';
import { WebSocket } from 'ws';

/** A received dispatch (op 0). */
export interface ProbeDispatch {
  t: string;
  d: any;
  bytes: number;
}

/** Frames and payload bytes of one event type. */
export interface FrameCount {
  frames: number;
  /** JSON text bytes (after inflating, with compression). */
  bytes: number;
  /** WebSocket payload bytes as received (equal to `bytes` without compression). */
  wireBytes: number;
}

/** What IDENTIFY sends besides the token. */
export interface ProbeOptions {
  intents: number;
  presence?: { status: string; activities: unknown[]; since: null; afk: boolean };
  /** Ask for compress=zlib-stream. */
  compress?: boolean;
}

/** A connected, identified session that has its GUILD_CREATE. */
export class GatewayProbe {
  /** Counts since the last reset, keyed by event type or "op N". */
  readonly counts = new Map<string, FrameCount>();
  /** Dispatches since the last reset, in arrival order. */
  readonly dispatches: ProbeDispatch[] = [];
  /** The user id from READY. */
  userId = '';
  private seq: number | null = null;
  private heartbeat: NodeJS.Timeout | undefined;
  private waiters: { match: (d: ProbeDispatch) => boolean; resolve: (d: ProbeDispatch) => void }[] = [];

  private onFrame: (text: string, wireBytes: number) => void = () => undefined;
  private readonly inflate: Inflate | undefined;
  private inflated: Buffer[] = [];
  private readonly inflateQueue: Buffer[] = [];

  private constructor(
    private readonly ws: WebSocket,
    compress: boolean,
  ) {
    if (compress) {
      this.inflate = createInflate();
      this.inflate.on('data', (chunk: Buffer) => this.inflated.push(chunk));
    }
  }

  /** Opens a session, IDENTIFYs and resolves once GUILD_CREATE arrived (counts start then, empty). */
  static connect(url: string, token: string, options: ProbeOptions, timeoutMs = 60_000): Promise<{ probe: GatewayProbe; connect: Map<string, FrameCount> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.compress ? `${url}&compress=zlib-stream` : url, { perMessageDeflate: false });
      const probe = new GatewayProbe(ws, options.compress === true);
      let ready = false;
      const timer = setTimeout(() => reject(new Error('probe: no GUILD_CREATE in time')), timeoutMs);
      ws.on('error', reject);
      ws.on('close', (code) => {
        if (!ready) reject(new Error(`probe: closed ${code} before GUILD_CREATE`));
      });
      probe.onFrame = (text, wireBytes) => {
        const frame = JSON.parse(text) as { op: number; t: string | null; s: number | null; d: any };
        probe.record(frame, Buffer.byteLength(text), wireBytes);
        if (ready) return;
        if (frame.op === 10) {
          const interval = frame.d.heartbeat_interval as number;
          probe.heartbeat = setInterval(() => probe.sendOp(1, probe.seq), interval);
          probe.heartbeat.unref();
          probe.sendOp(2, { token, intents: options.intents, properties: { os: 'linux', browser: 'bench', device: 'bench' }, ...(options.presence ? { presence: options.presence } : {}) });
        } else if (frame.op === 9) {
          reject(new Error('probe: INVALID_SESSION on IDENTIFY'));
        } else if (frame.t === 'READY') {
          probe.userId = String(frame.d.user.id);
        } else if (frame.t === 'GUILD_CREATE') {
          ready = true;
          clearTimeout(timer);
          const connect = new Map(probe.counts);
          probe.reset();
          resolve({ probe, connect });
        }
      };
      ws.on('message', (data: Buffer) => probe.receive(data));
    });
  }

  /** Decodes one WebSocket message (inflating in order with zlib-stream) and hands its text to onFrame. */
  private receive(data: Buffer): void {
    if (!this.inflate) {
      this.onFrame(data.toString('utf8'), data.length);
      return;
    }
    this.inflateQueue.push(data);
    if (this.inflateQueue.length === 1) this.inflateNext();
  }

  private inflateNext(): void {
    const inflate = this.inflate;
    const data = this.inflateQueue[0];
    if (!inflate || !data) return;
    inflate.write(data);
    inflate.flush(constants.Z_SYNC_FLUSH, () => {
      const text = Buffer.concat(this.inflated).toString('utf8');
      this.inflated = [];
      this.inflateQueue.shift();
      this.onFrame(text, data.length);
      this.inflateNext();
    });
  }

  private record(frame: { op: number; t: string | null; s: number | null; d: unknown }, bytes: number, wireBytes: number): void {
    if (frame.s !== null) this.seq = frame.s;
    const key = frame.op === 0 && frame.t ? frame.t : `op ${frame.op}`;
    const count = this.counts.get(key) ?? { frames: 0, bytes: 0, wireBytes: 0 };
    count.frames += 1;
    count.bytes += bytes;
    count.wireBytes += wireBytes;
    this.counts.set(key, count);
    if (frame.op !== 0 || !frame.t) return;
    const dispatch = { t: frame.t, d: frame.d, bytes };
    this.dispatches.push(dispatch);
    for (const waiter of this.waiters.filter((w) => w.match(dispatch))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(dispatch);
    }
  }

  /** Forgets every count and dispatch received so far. */
  reset(): void {
    this.counts.clear();
    this.dispatches.length = 0;
  }

  /** Sends a gateway frame. */
  sendOp(op: number, d: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ op, d }));
  }

  /** Resolves with the first dispatch (already received since the last reset, or later) that matches. */
  waitFor(match: (d: ProbeDispatch) => boolean, timeoutMs: number, what: string): Promise<ProbeDispatch> {
    const found = this.dispatches.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe ${this.userId}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
    });
  }

  /** Frames and bytes of one type since the last reset. */
  count(type: string): FrameCount {
    return this.counts.get(type) ?? { frames: 0, bytes: 0, wireBytes: 0 };
  }

  /** Sum over every type since the last reset. */
  total(): FrameCount {
    let frames = 0;
    let bytes = 0;
    let wireBytes = 0;
    for (const c of this.counts.values()) {
      frames += c.frames;
      bytes += c.bytes;
      wireBytes += c.wireBytes;
    }
    return { frames, bytes, wireBytes };
  }

  /** Closes the socket. */
  close(): void {
    clearInterval(this.heartbeat);
    this.ws.terminate();
    this.inflate?.close();
  }
}
