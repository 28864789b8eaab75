/**
 * The smallest Discord voice WebSocket (v4) that lets an unmodified
 * @discordjs/voice client reach a media node: HELLO, IDENTIFY -> READY,
 * SELECT_PROTOCOL -> SESSION_DESCRIPTION, heartbeat ACK, and op 5 SPEAKING
 * relayed to the others with the speaker's user id. Over WSS with a
 * throwaway self-signed certificate, because @discordjs/voice dials wss://.
 * Test-only; the real voice gateway lives in ../gateway.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type WebSocket, WebSocketServer } from 'ws';
import type { CallMedia, MediaNode, MediaPeer } from '../types';

const run = promisify(execFile);

interface Connection {
  ws: WebSocket;
  userId?: string;
  peer?: MediaPeer;
}

/** A fake voice gateway in front of one call of a media node. */
export class FakeVoiceGateway {
  private readonly connections = new Set<Connection>();
  /** Peers by user id, as they identified. */
  readonly peers = new Map<string, MediaPeer>();

  private constructor(
    private readonly https: Server,
    private readonly wss: WebSocketServer,
    private readonly dir: string,
    private readonly node: MediaNode,
    private readonly call: CallMedia,
  ) {
    wss.on('connection', (ws) => {
      const conn: Connection = { ws };
      this.connections.add(conn);
      ws.on('message', (data) => this.onMessage(conn, String(data)));
      ws.on('close', () => {
        this.connections.delete(conn);
        conn.peer?.leave();
      });
      this.send(conn, 8, { heartbeat_interval: 41_250 });
    });
  }

  /** Starts a WSS server on 127.0.0.1 for `call` of `node`. */
  static async start(node: MediaNode, call: CallMedia): Promise<FakeVoiceGateway> {
    const dir = await mkdtemp(join(tmpdir(), 'media-fake-gw-'));
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath,
    ]);
    const https = createServer({ key: await readFile(keyPath), cert: await readFile(certPath) });
    const wss = new WebSocketServer({ server: https });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    return new FakeVoiceGateway(https, wss, dir, node, call);
  }

  /** `host:port` for VOICE_SERVER_UPDATE's endpoint. */
  get endpoint(): string {
    const address = this.https.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `127.0.0.1:${address.port}`;
  }

  private send(conn: Connection, op: number, d: unknown): void {
    conn.ws.send(JSON.stringify({ op, d }));
  }

  private onMessage(conn: Connection, text: string): void {
    const packet = JSON.parse(text) as { op: number; d: Record<string, unknown> };
    const d = packet.d;
    if (packet.op === 0) {
      conn.userId = String(d['user_id']);
      const ssrc = this.node.allocateSsrc();
      conn.peer = this.call.join({ userId: conn.userId, ssrc });
      this.peers.set(conn.userId, conn.peer);
      this.send(conn, 2, { ssrc, ip: this.node.ip, port: this.node.port, modes: this.node.modes });
    } else if (packet.op === 1 && conn.peer) {
      const data = d['data'] as { address: string; port: number; mode: string };
      if (conn.peer.remote === null) conn.peer.setRemote(data.address, data.port);
      const key = randomBytes(32);
      conn.peer.startSession(data.mode as never, key);
      this.send(conn, 4, { mode: data.mode, secret_key: [...key] });
    } else if (packet.op === 3) {
      this.send(conn, 6, d);
    } else if (packet.op === 5 && conn.peer) {
      for (const other of this.connections) {
        if (other !== conn) this.send(other, 5, { user_id: conn.userId, ssrc: conn.peer.ssrc, speaking: d['speaking'] });
      }
    }
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.https.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
