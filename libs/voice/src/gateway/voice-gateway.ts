import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SessionDirectory } from './session-directory';
import type { TlsMaterial } from './tls-cert';
import { VoiceConnection, type VoiceGatewayDeps } from './voice-connection';

/** Options of {@link startVoiceGateway}. */
export interface VoiceGatewayOptions extends Omit<VoiceGatewayDeps, 'directory'> {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly tls: TlsMaterial;
  readonly directory?: SessionDirectory;
  /** Other protocols on the same WSS server by exact path (e.g. `/webrtc`); every other path is the Discord voice gateway. */
  readonly routes?: Readonly<Record<string, VoiceRoute>>;
}

/** Takes over a WebSocket opened on its path. */
export type VoiceRoute = (ws: WebSocket, deps: VoiceGatewayDeps) => void;

/** A listening voice gateway. */
export interface VoiceGateway {
  /** The bound TCP port. */
  readonly port: number;
  /** The certificate file the gateway serves (trust it with NODE_EXTRA_CA_CERTS when self-signed). */
  readonly certPath: string;
  readonly directory: SessionDirectory;
  /** Open WebSocket connections, identified or not. */
  connectionCount(): number;
  /** Ends every session (close 1001, going away) and stops listening. */
  close(): Promise<void>;
}

/** Frames larger than this are refused by ws itself (close 1009); 4096..this gets our 4002. */
const WS_MAX_PAYLOAD = 64 * 1024;

/**
 * Serves the Discord voice gateway over WSS: an HTTPS server with a `ws`
 * WebSocketServer on any path but the `routes` given; `?v=` selects the dialect (8 and up: v8 with
 * `seq`; anything else: v4). Each socket is a {@link VoiceConnection}.
 */
export async function startVoiceGateway(options: VoiceGatewayOptions): Promise<VoiceGateway> {
  const directory = options.directory ?? new SessionDirectory();
  const deps: VoiceGatewayDeps = { ...options, directory };
  const server: Server = createServer({ cert: options.tls.cert, key: options.tls.key });
  const wss = new WebSocketServer({ server, maxPayload: WS_MAX_PAYLOAD, perMessageDeflate: false });
  wss.on('connection', (ws, request) => {
    const route = options.routes?.[pathOf(request.url)];
    if (route) route(ws, deps);
    else new VoiceConnection(ws, versionOf(request.url), deps);
  });
  wss.on('error', (error) => options.logger.warn({ err: error }, 'voice websocket server error'));
  server.on('tlsClientError', (error) => options.logger.debug({ err: error }, 'voice TLS handshake failed'));
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    certPath: options.tls.certPath,
    directory,
    connectionCount: () => wss.clients.size,
    async close() {
      for (const session of directory.all()) session.end(1001, 'voice node stopping');
      for (const ws of wss.clients) ws.close(1001, 'voice node stopping');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The dialect a client asked for: `?v=8` (or higher) is v8, anything else v4. */
export function versionOf(url: string | undefined): number {
  const match = /[?&]v=(\d{1,3})(?:&|$)/.exec(url ?? '');
  const version = match?.[1] ? Number(match[1]) : 4;
  return version >= 8 ? 8 : 4;
}

/** The path of a request URL without its query (`/webrtc?x=1` -> `/webrtc`). */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '/').split('?', 1)[0] ?? '/';
  return path === '' ? '/' : path;
}
