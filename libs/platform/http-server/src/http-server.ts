/**
 * A process's one HTTP server. Every module that speaks HTTP registers on it
 * (the REST API mounts /api, the gateway takes WebSocket upgrades, the web
 * client later takes /), so `npm start` serves them all on one port and a
 * process running only some of them serves only those.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Histogram, type Registry } from 'prom-client';

/** A Node request handler. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A Node 'upgrade' listener. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

interface Mount {
  readonly prefix: string;
  readonly handler: HttpHandler;
}

/** Options of {@link HttpServer}. */
export interface HttpServerOptions {
  /**
   * Where `chat_http_request_seconds` goes: one histogram of request
   * durations by mount prefix (`/api`, or `none` for a path no mount claims)
   * and status code (`aborted` when the client left before the answer).
   * Omitted: no metric.
   */
  readonly registry?: Registry;
}

type RequestObserver = (mount: string, code: string, seconds: number) => void;

/** The shared HTTP server: path-prefix mounts for requests, one handler for upgrades. */
export class HttpServer {
  private readonly server: Server;
  private readonly mounts: Mount[] = [];
  private upgradeHandler: UpgradeHandler | undefined;
  private boundPort = 0;
  private readonly observe: RequestObserver | undefined;

  constructor(
    private readonly host: string,
    options: HttpServerOptions = {},
  ) {
    this.observe = options.registry ? durationObserver(options.registry) : undefined;
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  }

  /**
   * Sends requests whose path is `prefix` or starts with `prefix/` to
   * `handler`; the longest matching prefix wins, "/" catches the rest.
   */
  mount(prefix: string, handler: HttpHandler): void {
    if (this.mounts.some((mount) => mount.prefix === prefix)) throw new Error(`HTTP path ${prefix} is already mounted`);
    this.mounts.push({ prefix, handler });
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Takes WebSocket upgrades on every path no mount claims (one handler per server). */
  handleUpgrades(handler: UpgradeHandler): void {
    if (this.upgradeHandler) throw new Error('the HTTP server already has an upgrade handler');
    this.upgradeHandler = handler;
  }

  /** Listens; resolves with the bound port (0 picks a free one). */
  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    return this.boundPort;
  }

  /** The bound port (0 before listen). */
  get port(): number {
    return this.boundPort;
  }

  /** `http://host:port` as clients on this machine reach it. */
  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  /** `ws://host:port`: the same address for WebSocket clients (the gateway URL when no public one is configured). */
  get wsUrl(): string {
    return `ws://${this.host}:${this.boundPort}`;
  }

  /** Stops accepting and closes idle keep-alive connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  private mountOf(path: string): Mount | undefined {
    return this.mounts.find((mount) => mount.prefix === '/' || path === mount.prefix || path.startsWith(`${mount.prefix}/`));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const mount = this.mountOf(pathOf(req.url));
    const observe = this.observe;
    if (observe) {
      const started = performance.now();
      res.once('close', () => observe(mount?.prefix ?? 'none', res.writableFinished ? String(res.statusCode) : 'aborted', (performance.now() - started) / 1000));
    }
    if (mount) {
      mount.handler(req, res);
      return;
    }
    req.resume();
    const body = JSON.stringify(this.upgradeHandler ? { message: 'This is the gateway: open a WebSocket here.', code: 0 } : { message: '404: Not Found', code: 0 });
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const mount = this.mountOf(pathOf(req.url));
    if ((mount && mount.prefix !== '/') || !this.upgradeHandler) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    try {
      this.upgradeHandler(req, socket, head);
    } catch {
      // The upgrade handler answers its own failures; this is the last guard between a client's bytes and the process.
      socket.destroy();
    }
  }
}

function durationObserver(registry: Registry): RequestObserver {
  const histogram = new Histogram({
    name: 'chat_http_request_seconds',
    help: 'Time from a request to the end of its answer, by mount prefix and status code',
    labelNames: ['mount', 'code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (mount, code, seconds) => histogram.observe({ mount, code }, seconds);
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

/** The path of a request target (everything before `?`), without parsing the query: the mount lookup needs no more. */
function pathOf(target: string | undefined): string {
  const raw = target ?? '/';
  const at = raw.indexOf('?');
  return at < 0 ? raw : raw.slice(0, at);
}
