/**
 * The gateway node's one HTTP server: REST under /api (handed to the REST
 * API's handler once it is set) and the WebSocket gateway on every other
 * path's upgrade.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

/** A Node request handler (the REST API's shape). */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The shared HTTP server of the gateway. */
export class GatewayHttpServer {
  private readonly server: Server;
  private api: HttpHandler | undefined;

  constructor(private readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if ((req.url ?? '/').startsWith('/api')) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      try {
        this.onUpgrade(req, socket, head);
      } catch {
        // The upgrade handler answers its own failures; this is the last guard between a client's bytes and the process.
        socket.destroy();
      }
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  }

  /** Sets the handler of /api/* (the REST API). */
  setApiHandler(handler: HttpHandler): void {
    this.api = handler;
  }

  /** Listens; resolves with the bound port (0 picks a free one). */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting and closes idle keep-alive connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    if (path.startsWith('/api') && this.api) {
      this.api(req, res);
      return;
    }
    const body = JSON.stringify(path.startsWith('/api') ? { message: '404: Not Found', code: 0 } : { message: 'This is the gateway: open a WebSocket here.', code: 0 });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

/**
 * Requests Node's HTTP parser refuses get an answer before the socket closes,
 * as Discord's edge answers them: 431 for headers over Node's limit (16 KiB
 * by default, the request line included), 400 for anything else malformed.
 * A socket that is already gone is just destroyed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['431 Request Header Fields Too Large', '{"message": "431: Request Header Fields Too Large", "code": 0}']
      : ['400 Bad Request', '{"message": "400: Bad Request", "code": 0}'];
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
