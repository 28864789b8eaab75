/**
 * Test support: the REST API on an in-process HTTP server over an in-memory
 * SQLite store and the store-backed message service, recording every
 * dispatch it publishes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDiskObjectStore, type ObjectStore } from '@chat/object-store';
import { createCdnHandler, createExpressionCdnHandler } from '../attachments/cdn-handler';
import { CdnSigner } from '../attachments/cdn-signing';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SnowflakeGenerator } from '@chat/snowflake';
import { openStore, type Store } from '@chat/store';
import { createRestApi } from '../create-rest-api';
import { storeMessageService } from './store-message-service';
import type { RateLimitConfig } from '../rate-limiter';
import type { RestDispatch, RestVoice, UploadLimits } from '../rest-deps';

/** A recorded guild publish or user dispatch, with the payload parsed. */
export interface Recorded {
  target: { guildId: string } | { userIds: string[] };
  dispatch: RestDispatch;
  payload: Record<string, unknown>;
}

/** A response as tests read it. */
export interface TestResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** Options of a call. */
export interface CallOptions {
  token?: string;
  bot?: boolean;
  body?: unknown;
  rawBody?: string;
  /** A multipart body built by fetch (payload_json and files[n]). */
  form?: FormData;
  /** A multipart body as raw bytes, with its content type (for malformed ones). */
  multipart?: { bytes: Buffer; contentType: string };
  version?: 9 | 10;
}

/** A running API. */
export interface RestHarness {
  store: Store;
  /** Where attachment bytes go (a disk store in a temporary directory). */
  objects: ObjectStore;
  baseUrl: string;
  dispatches: Recorded[];
  /** attachUserToGuild calls (only with `withAttach`). */
  attached: { userId: string; guildId: string }[];
  /** Acks the read-states dependency received (unless `withoutReadStates`). */
  acks: { userId: string; channelId: string; messageId: string; mentionCount?: number }[];
  /** Mutable clock (ms) the API reads. */
  clock: { now: number };
  call(method: string, path: string, options?: CallOptions): Promise<TestResponse>;
  /** Registers a user; returns its id and token. */
  user(username: string): Promise<{ id: string; token: string }>;
  /** Dispatches of a type, newest last. */
  ofType(type: string): Recorded[];
  /** Runs the poll-ending job once at the harness clock. */
  endDuePolls(lookBackMs?: number): Promise<{ checked: number; ended: number }>;
  close(): Promise<void>;
}

/** Generous limits so functional tests never hit them. */
export const TEST_RATE_LIMITS: RateLimitConfig = { default: { limit: 10_000, windowMs: 1000 }, global: { limit: 10_000, windowMs: 1000 } };

/** Starts the API on 127.0.0.1 with a random port. */
export async function startRestHarness(options: { rateLimits?: RateLimitConfig; failPublish?: boolean; withAttach?: boolean; withoutReadStates?: boolean; voice?: RestVoice; interactionDeadlineMs?: number; uploads?: UploadLimits } = {}): Promise<RestHarness> {
  const clock = { now: Date.now() };
  const store = await openStore({ backend: 'sqlite', path: ':memory:', clock: () => clock.now });
  const ids = new SnowflakeGenerator({ workerId: 1, processId: 1, clock: () => Math.max(clock.now, Date.now()) });
  const dispatches: Recorded[] = [];
  const record = (target: Recorded['target'], dispatch: RestDispatch): void => {
    dispatches.push({ target, dispatch, payload: JSON.parse(dispatch.payloadJson) as Record<string, unknown> });
  };
  const attached: { userId: string; guildId: string }[] = [];
  const acks: RestHarness['acks'] = [];
  const objectsDir = mkdtempSync(join(tmpdir(), 'rest-harness-objects-'));
  const objects = await openDiskObjectStore(objectsDir);
  const cdnSecret = randomBytes(32);
  // Listen first: the CDN URLs the API hands out name this server.
  let route: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server: Server = createServer((req, res) => route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handler = createRestApi({
    objects,
    cdn: { baseUrl, secret: cdnSecret },
    ...(options.withoutReadStates
      ? {}
      : {
          readStates: {
            ack: async (input: RestHarness['acks'][number]) => {
              acks.push({ ...input });
              return { lastMessageId: input.messageId, mentionCount: input.mentionCount ?? 0 };
            },
          },
        }),
    ...(options.voice ? { voice: options.voice } : {}),
    ...(options.withAttach ? { attachUserToGuild: async (userId: string, guildId: string) => void attached.push({ userId, guildId }) } : {}),
    store,
    messages: storeMessageService(store.messages, { nextId: () => ids.next(), now: () => new Date(clock.now) }),
    publishGuildEvent: async (guildId, dispatch) => {
      if (options.failPublish) throw new Error('guild node unreachable');
      record({ guildId }, dispatch);
    },
    dispatchToUsers: async (userIds, dispatch) => record({ userIds: [...userIds] }, dispatch),
    gatewayUrl: 'ws://127.0.0.1:9999',
    rateLimits: options.rateLimits ?? TEST_RATE_LIMITS,
    clock: () => clock.now,
    nextId: () => ids.next(),
    ...(options.interactionDeadlineMs !== undefined ? { interactionDeadlineMs: options.interactionDeadlineMs } : {}),
    ...(options.uploads ? { uploads: options.uploads } : {}),
  });
  const cdn = createCdnHandler({ objects, signer: new CdnSigner(cdnSecret), clock: () => clock.now, logger: { warn: () => undefined } });
  const images = createExpressionCdnHandler({ objects, logger: { warn: () => undefined } });
  route = (req, res) => {
    const url = req.url ?? '';
    if (url.startsWith('/attachments/')) cdn(req, res);
    else if (url.startsWith('/emojis/') || url.startsWith('/stickers/')) images(req, res);
    else handler(req, res);
  };

  const call = async (method: string, path: string, callOptions: CallOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    if (callOptions.token) headers.authorization = callOptions.bot ? `Bot ${callOptions.token}` : callOptions.token;
    let payload: string | FormData | Buffer | undefined;
    if (callOptions.form !== undefined) payload = callOptions.form;
    else if (callOptions.multipart !== undefined) {
      payload = callOptions.multipart.bytes;
      headers['content-type'] = callOptions.multipart.contentType;
    } else if (callOptions.rawBody !== undefined) payload = callOptions.rawBody;
    else if (callOptions.body !== undefined) payload = JSON.stringify(callOptions.body);
    if (typeof payload === 'string') headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/api/v${callOptions.version ?? 10}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: response.headers };
  };

  return {
    store,
    objects,
    baseUrl,
    attached,
    acks,
    dispatches,
    clock,
    call,
    async user(username) {
      const response = await call('POST', '/auth/register', { body: { username, password: 'correct horse battery', email: `${username}@example.test` } });
      if (response.status !== 201) throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
      return { id: response.body.user_id as string, token: response.body.token as string };
    },
    ofType: (type) => dispatches.filter((d) => d.dispatch.type === type),
    endDuePolls: (lookBackMs = 48 * 60 * 60 * 1000) => handler.endDuePolls(clock.now, lookBackMs),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      await objects.close();
      rmSync(objectsDir, { recursive: true, force: true });
    },
  };
}
