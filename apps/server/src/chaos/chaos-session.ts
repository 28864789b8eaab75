/**
 * One gateway session of the chaos load, behaving as discord.js does: it
 * IDENTIFYs on its home gateway, heartbeats, and when its connection drops
 * it RESUMEs on the next gateway that is up (op 9 -> a fresh IDENTIFY). It
 * records when each MESSAGE_CREATE arrived, the spans during which it was
 * connected, and every RESUME outcome.
 */
import { WebSocket } from 'ws';

/** How a reconnection went. */
export type ResumeOutcome = 'resumed' | 'invalid-session' | 'failed';

/** A RESUME attempt and its outcome. */
export interface ResumeRecord {
  readonly at: number;
  readonly outcome: ResumeOutcome;
}

/** A dropped connection and when the session was live again (READY or RESUMED). */
export interface ReconnectRecord {
  readonly droppedAt: number;
  readonly backAt: number;
}

const INTENTS = 1 | (1 << 9) | (1 << 15); // GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT

/** A chaos session; call `start` once. */
export class ChaosSession {
  /** Message id -> when it arrived here (first time). */
  readonly received = new Map<string, number>();
  /** [from, to) spans during which a connection was open and identified or resumed; an open span has to = Infinity. */
  readonly connected: [number, number][] = [];
  readonly resumes: ResumeRecord[] = [];
  readonly reconnects: ReconnectRecord[] = [];
  private droppedAt: number | undefined;
  /** [from, to) spans during which a guild was unavailable to this session (GUILD_DELETE unavailable .. GUILD_CREATE): the session's failover window. */
  readonly guildUnavailable: [number, number][] = [];
  private ws: WebSocket | undefined;
  private sessionId: string | undefined;
  private sequence = 0;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private home: number;

  constructor(
    readonly userId: string,
    private readonly token: string,
    /** ws:// URLs of the gateways, and which of them answer now. */
    private readonly gateways: () => { url: string; up: boolean }[],
    home: number,
  ) {
    this.home = home;
  }

  /** Index of the gateway this session is connected (or connecting) to. */
  get gatewayIndex(): number {
    return this.home;
  }

  /** Connects and resolves once READY arrived. */
  async start(): Promise<void> {
    await this.open('identify');
  }

  /** Whether the session was connected, and its guilds available, over the whole of [from, to]. */
  connectedThrough(from: number, to: number): boolean {
    return this.connected.some(([start, end]) => start <= from && end >= to) && !this.guildUnavailable.some(([start, end]) => start <= to && end >= from);
  }

  /** Closes for good. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.ws?.terminate();
  }

  private open(mode: 'identify' | 'resume'): Promise<void> {
    const gateways = this.gateways();
    // The home gateway if it is up, else the next one that is.
    const order = gateways.map((_, i) => (this.home + i) % gateways.length);
    const index = order.find((i) => gateways[i]!.up) ?? this.home;
    this.home = index;
    const ws = new WebSocket(`${gateways[index]!.url}/?v=10&encoding=json`);
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let established = false;
      const done = (error?: Error): void => {
        if (settled) return;
        settled = true;
        established = error === undefined;
        if (error) reject(error);
        else resolve();
      };
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as { op: number; d: any; s: number | null; t: string | null };
        if (frame.s !== null) this.sequence = frame.s;
        switch (frame.op) {
          case 10:
            clearInterval(this.heartbeat);
            this.heartbeat = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ op: 1, d: this.sequence })), frame.d.heartbeat_interval as number);
            if (mode === 'resume' && this.sessionId) ws.send(JSON.stringify({ op: 6, d: { token: this.token, session_id: this.sessionId, seq: this.sequence } }));
            else ws.send(JSON.stringify({ op: 2, d: { token: this.token, intents: INTENTS, properties: { os: 'linux', browser: 'chaos', device: 'chaos' } } }));
            return;
          case 9:
            // Invalid session: the old one is gone; identify afresh on this connection.
            this.resumes.push({ at: Date.now(), outcome: 'invalid-session' });
            this.sessionId = undefined;
            this.sequence = 0;
            ws.send(JSON.stringify({ op: 2, d: { token: this.token, intents: INTENTS, properties: { os: 'linux', browser: 'chaos', device: 'chaos' } } }));
            return;
          case 0:
            if (frame.t === 'READY') {
              this.sessionId = frame.d.session_id as string;
              this.connected.push([Date.now(), Infinity]);
              this.back();
              done();
            } else if (frame.t === 'RESUMED') {
              this.resumes.push({ at: Date.now(), outcome: 'resumed' });
              this.connected.push([Date.now(), Infinity]);
              this.back();
              done();
            } else if (frame.t === 'GUILD_DELETE' && frame.d.unavailable === true) {
              this.guildUnavailable.push([Date.now(), Infinity]);
            } else if (frame.t === 'GUILD_CREATE') {
              const open = this.guildUnavailable.at(-1);
              if (open && open[1] === Infinity) open[1] = Date.now();
            } else if (frame.t === 'MESSAGE_CREATE' && !this.received.has(frame.d.id as string)) {
              this.received.set(frame.d.id as string, Date.now());
            }
            return;
          default:
            return;
        }
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        const open = this.connected.at(-1);
        if (open && open[1] === Infinity) open[1] = Date.now();
        clearInterval(this.heartbeat);
        if (this.stopped || this.ws !== ws) return;
        // Before READY/RESUMED the caller's loop retries; after it, this connection was live and dropped.
        if (!established) done(new Error('closed before READY'));
        else {
          this.droppedAt = Date.now();
          void this.reconnect();
        }
      });
    });
  }

  /** Records the end of a reconnection, if one was under way. */
  private back(): void {
    if (this.droppedAt === undefined) return;
    this.reconnects.push({ droppedAt: this.droppedAt, backAt: Date.now() });
    this.droppedAt = undefined;
  }

  /** Reconnects after a drop: RESUME where a gateway is up, retrying every 250 ms until one answers. */
  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, attempt === 0 ? 50 : 250));
      if (this.stopped) return;
      this.home = (this.home + 1) % this.gateways().length;
      try {
        await this.open(this.sessionId ? 'resume' : 'identify');
        return;
      } catch {
        this.resumes.push({ at: Date.now(), outcome: 'failed' });
      }
    }
  }
}
