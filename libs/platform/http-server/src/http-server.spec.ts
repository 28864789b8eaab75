import { request } from 'node:http';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer } from './http-server';

let server: HttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: { registry?: Registry } = {}): Promise<HttpServer> {
  server = new HttpServer('127.0.0.1', options);
  server.mount('/api', (_req, res) => {
    res.writeHead(_req.url?.endsWith('/missing') ? 404 : 200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  await server.listen(0);
  return server;
}

describe('HttpServer request metric', () => {
  it('counts each request by mount prefix and status code', async () => {
    const registry = new Registry();
    const http = await start({ registry });
    await (await fetch(`${http.url}/api/v10/gateway`)).text();
    await (await fetch(`${http.url}/api/v10/missing`)).text();
    await (await fetch(`${http.url}/elsewhere`)).text();
    const text = await registry.getSingleMetricAsString('chat_http_request_seconds');
    expect(text).toContain('chat_http_request_seconds_count{mount="/api",code="200"} 1');
    expect(text).toContain('chat_http_request_seconds_count{mount="/api",code="404"} 1');
    expect(text).toContain('chat_http_request_seconds_count{mount="none",code="404"} 1');
  });

  it('registers nothing without a registry', async () => {
    const http = await start();
    const response = await fetch(`${http.url}/api/v10/gateway`);
    expect(response.status).toBe(200);
    await response.text();
  });
});

describe('HttpServer addresses', () => {
  it('gives the WebSocket URL of the bound port, and an upgrade sent there reaches the upgrade handler', async () => {
    const http = await start();
    expect(http.wsUrl).toBe(`ws://127.0.0.1:${http.port}`);
    expect(http.wsUrl).toBe(http.url.replace(/^http/, 'ws'));
    http.handleUpgrades((_req, socket) => socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'));
    const { hostname, port } = new URL(http.wsUrl);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ hostname, port, path: '/?v=10', headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('upgrade', (response, socket) => {
        socket.destroy();
        resolve(response.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(101);
  });
});
