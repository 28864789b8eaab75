/**
 * Coalesces DetachSession calls per guild node. When 10,000 sockets of a
 * gateway node close at once, one DetachSession per session is 10,000 RPCs
 * queueing behind one another (they all timed out at 5 s in the fanout
 * benchmark); here the detaches owed to one guild node within `windowMs` go
 * out as one DetachSessions call. A guild node without that RPC
 * (UNIMPLEMENTED) gets one DetachSession per session from then on.
 */
import type { guildV1 } from '@chat/proto';

/** The calls the coalescer makes on one guild node. */
export interface DetachTarget {
  detachSession(request: guildV1.DetachSessionRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionResponse>;
  detachSessions?(request: guildV1.DetachSessionsRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionsResponse>;
}

/** Options of the coalescer. */
export interface DetachCoalescerOptions {
  /** The client of a guild node. */
  client: (nodeId: string) => DetachTarget;
  /** Deadline of each call. */
  timeoutMs: number;
  /** How long detaches are collected before a call goes out (default 5 ms). */
  windowMs?: number;
  /** Sessions per call at most (default 5000); more are split. */
  maxBatch?: number;
  /** Called once per failed call. */
  onError?: (error: unknown, context: string) => void;
}

interface Pending {
  readonly requests: guildV1.DetachSessionRequest[];
  readonly done: (() => void)[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

function unimplemented(error: unknown): boolean {
  const e = error as { kind?: unknown; code?: unknown } | undefined;
  return e?.kind === 'unimplemented' || e?.code === 12;
}

/** Per guild node, a short window of detaches sent as one call. */
export class DetachCoalescer {
  private readonly pending = new Map<string, Pending>();
  /** Guild nodes that answered DetachSessions with UNIMPLEMENTED. */
  private readonly legacy = new Set<string>();
  /** Calls made, for tests and metrics. */
  readonly stats = { batchCalls: 0, singleCalls: 0, sessions: 0 };

  constructor(private readonly options: DetachCoalescerOptions) {}

  /**
   * Queues one session's detach at `nodeId`; resolves when the call carrying
   * it has answered (or failed: failures go to `onError`, never rejected).
   */
  detach(nodeId: string, request: guildV1.DetachSessionRequest): Promise<void> {
    let batch = this.pending.get(nodeId);
    if (!batch) {
      batch = { requests: [], done: [], timer: undefined };
      this.pending.set(nodeId, batch);
      const created = batch;
      created.timer = setTimeout(() => this.flush(nodeId, created), this.options.windowMs ?? 5);
    }
    batch.requests.push(request);
    const promise = new Promise<void>((resolve) => batch.done.push(resolve));
    if (batch.requests.length >= (this.options.maxBatch ?? 5000)) this.flush(nodeId, batch);
    return promise;
  }

  /** Sends everything queued now (shutdown). */
  async flushAll(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [nodeId, batch] of [...this.pending]) waits.push(this.flush(nodeId, batch));
    await Promise.all(waits);
  }

  private async flush(nodeId: string, batch: Pending): Promise<void> {
    if (this.pending.get(nodeId) !== batch) return;
    this.pending.delete(nodeId);
    clearTimeout(batch.timer);
    this.stats.sessions += batch.requests.length;
    try {
      await this.send(nodeId, batch.requests);
    } finally {
      for (const resolve of batch.done) resolve();
    }
  }

  private async send(nodeId: string, requests: guildV1.DetachSessionRequest[]): Promise<void> {
    const client = this.options.client(nodeId);
    const timeoutMs = this.options.timeoutMs;
    if (client.detachSessions && !this.legacy.has(nodeId)) {
      try {
        this.stats.batchCalls += 1;
        await client.detachSessions({ sessions: requests }, { timeoutMs });
        return;
      } catch (error) {
        if (!unimplemented(error)) {
          this.options.onError?.(error, `detach ${requests.length} sessions at ${nodeId}`);
          return;
        }
        this.legacy.add(nodeId);
      }
    }
    await Promise.all(
      requests.map((request) => {
        this.stats.singleCalls += 1;
        return client.detachSession(request, { timeoutMs }).then(
          () => undefined,
          (error: unknown) => this.options.onError?.(error, `detach at ${nodeId}`),
        );
      }),
    );
  }
}
