/**
 * One member worker thread and the listings waiting on it. When the thread
 * dies the waiting listings fail with MemberWorkerCrashedError (the guild
 * actor then lists in-thread) and a fresh thread takes its place with a new
 * `incarnation`, so replicas know to seed it again. A thread that keeps
 * dying (5 times within a minute, e.g. it cannot load its code) is not
 * replaced again: the slot stays down and every listing fails fast.
 */
import type { ActorLogger } from '@chat/actor';
import type { guildV1 } from '@chat/proto';
import { Worker } from 'node:worker_threads';
import { MemberWorkerCrashedError, MemberWorkerFailedError } from '../errors';
import type { FromWorker, ToWorker } from './worker-protocol';

const ENTRY = new URL('./member-worker.mjs', import.meta.url);
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;

interface Pending {
  resolve(response: guildV1.ListMembersResponse): void;
  reject(error: unknown): void;
}

/** Unpacks a `listed` answer into the response shape (Buffers are views on the one transferred buffer). */
function unpack(message: Extract<FromWorker, { op: 'listed' }>): guildV1.ListMembersResponse {
  let offset = 0;
  const cut = (length: number): Buffer => {
    const part = Buffer.from(message.bytes, offset, length);
    offset += length;
    return part;
  };
  const membersJson = message.memberLengths.map(cut);
  const presencesJson = message.presenceLengths.map(cut);
  return { membersJson, presencesJson, notFoundUserIds: message.notFoundUserIds, nextAfter: message.nextAfter };
}

/** A member worker thread, replaced when it dies. */
export class WorkerSlot {
  /** +1 each time the thread is replaced; a replica seeded on an older incarnation is gone. */
  incarnation = 0;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped = false;
  private crashes: number[] = [];
  private loaded = false;
  private ready: Promise<void> = Promise.resolve();
  private markReady: () => void = () => undefined;

  constructor(
    readonly index: number,
    private readonly log: ActorLogger,
  ) {
    this.worker = this.spawn();
  }

  /** Whether a thread is running (false once stopped or after too many crashes). */
  get up(): boolean {
    return this.worker !== undefined;
  }

  /** Whether the current thread has loaded its code (a thread still starting would make a listing wait seconds). */
  get isReady(): boolean {
    return this.worker !== undefined && this.loaded;
  }

  /** Resolves once the current thread has loaded its code (at once when the slot is down). */
  whenReady(): Promise<void> {
    return this.worker ? this.ready : Promise.resolve();
  }

  /** Posts a message to the thread (dropped when it is down: replicas re-seed the next thread). */
  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Lists one page from replica `key`. @throws {MemberWorkerCrashedError} @throws {MemberWorkerFailedError} */
  list(key: string, request: guildV1.ListMembersRequest): Promise<guildV1.ListMembersResponse> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new MemberWorkerFailedError(this.index, this.stopped ? 'the worker pool is stopped' : 'the worker is down'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToWorker = { op: 'list', id, key, request };
      worker.postMessage(message);
    });
  }

  /** Test hook: makes the thread throw, as a bug in it would. */
  crashForTest(): void {
    this.worker?.postMessage({ op: 'crash' });
  }

  /** Terminates the thread; waiting listings fail. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    this.worker = undefined;
    this.markReady();
    this.failAll(new MemberWorkerFailedError(this.index, 'the worker pool stopped'));
    if (worker) await worker.terminate();
  }

  private spawn(): Worker {
    this.loaded = false;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const worker = new Worker(ENTRY);
    worker.unref();
    let lastError: unknown;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.markReady();
      this.failAll(new MemberWorkerCrashedError(this.index, code, { cause: lastError }));
      if (this.stopped) return;
      const now = Date.now();
      this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
      const errorText = lastError instanceof Error ? lastError.message : String(lastError);
      if (this.crashes.length >= MAX_CRASHES) {
        this.log.error({ workerIndex: this.index, exitCode: code, error: errorText }, 'member worker keeps dying; not replacing it (large guilds list in-thread)');
        return;
      }
      this.log.warn({ workerIndex: this.index, exitCode: code, error: errorText }, 'member worker died; replacing it');
      this.incarnation += 1;
      this.worker = this.spawn();
    });
    return worker;
  }

  private receive(message: FromWorker): void {
    if (message.op === 'ready') {
      this.loaded = true;
      this.log.debug({ workerIndex: this.index, incarnation: this.incarnation }, 'member worker ready');
      this.markReady();
      return;
    }
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (message.op === 'listed') waiting.resolve(unpack(message));
    else waiting.reject(new MemberWorkerFailedError(this.index, message.message));
  }

  private failAll(error: unknown): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) p.reject(error);
  }
}
