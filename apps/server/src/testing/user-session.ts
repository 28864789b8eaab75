/**
 * A person's client on the gateway, for specs: identifies with a user token
 * (no intents, as Discord's own client), heartbeats, and records every
 * dispatch so a spec can wait for one.
 */
import { WebSocket } from 'ws';

/** One dispatch as received. */
export interface UserDispatch {
  t: string;
  d: any;
}

/** A connected user session. */
export interface UserSession {
  readonly dispatches: UserDispatch[];
  /** Resolves with the first dispatch (already received or coming) of `type` that `match` accepts. */
  waitFor(type: string, match?: (d: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

/** Connects to `gatewayUrl` and resolves once READY arrived. */
export async function connectUserSession(gatewayUrl: string, token: string): Promise<UserSession> {
  const ws = new WebSocket(`${gatewayUrl}/?v=10&encoding=json`);
  const dispatches: UserDispatch[] = [];
  const waiters: { type: string; match: (d: any) => boolean; resolve: (d: any) => void }[] = [];
  let heartbeat: NodeJS.Timeout | undefined;
  let seq: number | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { op: number; s: number | null; t: string | null; d: any };
      if (frame.s !== null) seq = frame.s;
      if (frame.op === 10) {
        heartbeat = setInterval(() => ws.send(JSON.stringify({ op: 1, d: seq })), frame.d.heartbeat_interval as number);
        heartbeat.unref();
        ws.send(JSON.stringify({ op: 2, d: { token, properties: { os: 'linux', browser: 'spec', device: 'spec' } } }));
      }
      if (frame.op !== 0 || !frame.t) return;
      dispatches.push({ t: frame.t, d: frame.d });
      if (frame.t === 'READY') resolve();
      for (const waiter of [...waiters]) {
        if (waiter.type === frame.t && waiter.match(frame.d)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(frame.d);
        }
      }
    });
  });
  await ready;
  return {
    dispatches,
    waitFor(type, match = () => true, timeoutMs = 10_000) {
      const seen = dispatches.find((d) => d.t === type && match(d.d));
      if (seen) return Promise.resolve(seen.d);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
        waiters.push({ type, match, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    close() {
      if (heartbeat) clearInterval(heartbeat);
      ws.close();
    },
  };
}
