/** Writes JSON answers and Discord's error bodies. */
import type { ServerResponse } from 'node:http';
import type { RestError } from '../errors';

/** Sends `body` as JSON with `status` (204 sends no body). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 ? 204 : status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Sends Discord's error body for `error`. */
export function sendError(res: ServerResponse, error: RestError): void {
  sendJson(res, error.status, error.toBody());
}
