/**
 * Test helpers for suites that run the services as separate processes:
 * start an app and wait for its banner, pick a free port, call the REST API,
 * and connect a gateway client that records every frame.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** A started app: its process, the banner lines it printed, and a promise for its exit. */
export interface Started {
  child: ChildProcess;
  lines: Record<string, string>;
  exited: Promise<void>;
}

/** A gateway frame. */
export interface Frame {
  op: number;
  d: any;
  s: number | null;
  t: string | null;
}

/** What a suite keeps to clean up: every child and socket it made. */
export class ProcessSet {
  readonly children: ChildProcess[] = [];
  readonly sockets: WebSocket[] = [];

  /** Kills every child still running and closes every socket. */
  cleanup(): void {
    for (const ws of this.sockets) ws.terminate();
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  /** Starts apps/<app> with `env` over the base env (and `args`); resolves once every name in `want` was printed as "<name>  <value>". */
  startApp(app: string, env: Record<string, string>, want: string[], options: { timeoutMs?: number; args?: string[] } = {}): Promise<Started> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`, ...(options.args ?? [])], {
      cwd: root,
      env: { ...process.env, CHAT_GRPC_PORT: '0', CHAT_OPS_PORT: '0', CHAT_HTTP_PORT: '0', CHAT_LOG_LEVEL: process.env.CHAT_TEST_LOG_LEVEL ?? 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`apps/${app} printed no banner in ${timeoutMs} ms:\n${out}`)), timeoutMs);
      // CHAT_TEST_PROCESS_LOGS=<dir>: every child's output also goes to <dir>/<app>-<pid>.log, for debugging a suite.
      const logDir = process.env.CHAT_TEST_PROCESS_LOGS;
      if (logDir) {
        const file = createWriteStream(join(logDir, `${app}-${child.pid}.log`));
        child.stdout!.pipe(file);
        child.stderr!.pipe(file);
      }
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const lines: Record<string, string> = {};
        for (const name of want) {
          const value = new RegExp(`^${name}\\s+(\\S+)$`, 'm').exec(out)?.[1];
          if (value !== undefined) lines[name] = value;
        }
        if (want.every((name) => lines[name] !== undefined)) {
          clearTimeout(timer);
          resolve({ child, lines, exited });
        }
      });
      child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`apps/${app} exited with ${code} before it was ready:\n${out}`));
      });
    });
  }

  /** A gateway client that IDENTIFYs with `token` and `intents` and records every frame. */
  async connectClient(url: string, token: string, intents = 1 | (1 << 9) | (1 << 15)) {
    return this.openClient(url, { op: 2, d: { token, properties: {}, intents } });
  }

  /** A gateway client that RESUMEs `sessionId` from `seq` and records every frame. */
  async resumeClient(url: string, token: string, sessionId: string, seq: number) {
    return this.openClient(url, { op: 6, d: { token, session_id: sessionId, seq } });
  }

  private async openClient(url: string, first: { op: number; d: unknown }) {
    const ws = new WebSocket(`${url}/?v=10&encoding=json`);
    this.sockets.push(ws);
    const frames: Frame[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (data: Buffer) => {
      frames.push(JSON.parse(data.toString('utf8')) as Frame);
      for (const wake of waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const waitFor = async (predicate: (frames: Frame[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(frames)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}; last frames ${JSON.stringify(frames.slice(-5)).slice(0, 600)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, Math.min(left, 250));
        });
      }
    };
    await waitFor((f) => f.some((x) => x.op === 10), 'HELLO');
    ws.send(JSON.stringify(first));
    return {
      ws,
      frames,
      waitFor,
      messageIds: () => new Set(frames.filter((f) => f.t === 'MESSAGE_CREATE').map((f) => f.d.id as string)),
    };
  }
}

/** A port that was free a moment ago (bound on 0, then closed). */
export { freePort } from '@chat/testing';

