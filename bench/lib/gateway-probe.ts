/**
 * One gateway session in the benchmark process that counts what it
 * receives: WebSocket payload bytes and frames per event type (dispatches by
 * `t`, everything else by opcode, e.g. "op 11" for HEARTBEAT_ACK), and keeps
 * the dispatches since the last reset so a benchmark can check them. Used by
 * the passive benchmark; heartbeats at the advertised interval.
 */
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
  bytes: number;
}

/** What IDENTIFY sends besides the token. */
export interface ProbeOptions {
  intents: number;
  presence?: { status: string; activities: unknown[]; since: null; afk: boolean };
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

  private constructor(private readonly ws: WebSocket) {}

  /** Opens a session, IDENTIFYs and resolves once GUILD_CREATE arrived (counts start then, empty). */
  static connect(url: string, token: string, options: ProbeOptions, timeoutMs = 60_000): Promise<{ probe: GatewayProbe; connect: Map<string, FrameCount> }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const probe = new GatewayProbe(ws);
      let ready = false;
      const timer = setTimeout(() => reject(new Error('probe: no GUILD_CREATE in time')), timeoutMs);
      ws.on('error', reject);
      ws.on('close', (code) => {
        if (!ready) reject(new Error(`probe: closed ${code} before GUILD_CREATE`));
      });
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { op: number; t: string | null; s: number | null; d: any };
        probe.record(frame, data.length);
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
      });
    });
  }

  private record(frame: { op: number; t: string | null; s: number | null; d: unknown }, bytes: number): void {
    if (frame.s !== null) this.seq = frame.s;
    const key = frame.op === 0 && frame.t ? frame.t : `op ${frame.op}`;
    const count = this.counts.get(key) ?? { frames: 0, bytes: 0 };
    count.frames += 1;
    count.bytes += bytes;
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
    return this.counts.get(type) ?? { frames: 0, bytes: 0 };
  }

  /** Sum over every type since the last reset. */
  total(): FrameCount {
    let frames = 0;
    let bytes = 0;
    for (const c of this.counts.values()) {
      frames += c.frames;
      bytes += c.bytes;
    }
    return { frames, bytes };
  }

  /** Closes the socket. */
  close(): void {
    clearInterval(this.heartbeat);
    this.ws.terminate();
  }
}
