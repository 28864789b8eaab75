/**
 * Per guild node, collects the calls of one kind made within a short window
 * and sends them as one batched RPC (AttachSessions, DetachSessions). A burst
 * of 10,000 IDENTIFYs or closes then costs a handful of RPCs per guild node
 * instead of 10,000. A guild node that answers the batched RPC with
 * UNIMPLEMENTED (an older version) gets one call per request from then on.
 */

/** How one kind of call is sent. */
export interface CallCoalescerOptions<Req, Res> {
  /** The batched call, or undefined when this node's client has none. Resolves with one result per request, in order. */
  sendBatch(nodeId: string, requests: Req[]): Promise<Res[]> | undefined;
  /** The single call (fallback). */
  sendOne(nodeId: string, request: Req): Promise<Res>;
  /** How long calls are collected before a batch goes out (default 5 ms). */
  windowMs?: number;
  /** Requests per batch at most (default 5000); more are split. */
  maxBatch?: number;
}

interface Waiter<Res> {
  resolve(value: Res): void;
  reject(error: unknown): void;
}

interface Pending<Req, Res> {
  readonly requests: Req[];
  readonly waiters: Waiter<Res>[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Whether an error says the method does not exist on the server (gRPC UNIMPLEMENTED). */
export function isUnimplemented(error: unknown): boolean {
  const e = error as { kind?: unknown; code?: unknown } | undefined;
  return e?.kind === 'unimplemented' || e?.code === 12;
}

/** Coalesces calls per guild node. */
export class CallCoalescer<Req, Res> {
  private readonly pending = new Map<string, Pending<Req, Res>>();
  /** Guild nodes that answered the batched call with UNIMPLEMENTED. */
  private readonly legacy = new Set<string>();
  /** Calls made and requests carried, for tests and metrics. */
  readonly stats = { batchCalls: 0, singleCalls: 0, requests: 0 };

  constructor(private readonly options: CallCoalescerOptions<Req, Res>) {}

  /** Queues one request for `nodeId`; settles with its own result (or the batch's error). */
  call(nodeId: string, request: Req): Promise<Res> {
    let batch = this.pending.get(nodeId);
    if (!batch) {
      const created: Pending<Req, Res> = { requests: [], waiters: [], timer: undefined };
      created.timer = setTimeout(() => void this.flush(nodeId, created), this.options.windowMs ?? 5);
      this.pending.set(nodeId, created);
      batch = created;
    }
    batch.requests.push(request);
    const queued = batch;
    const promise = new Promise<Res>((resolve, reject) => queued.waiters.push({ resolve, reject }));
    if (queued.requests.length >= (this.options.maxBatch ?? 5000)) void this.flush(nodeId, queued);
    return promise;
  }

  /** Sends everything queued now (shutdown); resolves when those calls settled. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.pending].map(([nodeId, batch]) => this.flush(nodeId, batch)));
  }

  private async flush(nodeId: string, batch: Pending<Req, Res>): Promise<void> {
    if (this.pending.get(nodeId) !== batch) return;
    this.pending.delete(nodeId);
    clearTimeout(batch.timer);
    this.stats.requests += batch.requests.length;
    if (!this.legacy.has(nodeId)) {
      const sent = this.options.sendBatch(nodeId, batch.requests);
      if (sent !== undefined) {
        this.stats.batchCalls += 1;
        try {
          const results = await sent;
          batch.waiters.forEach((waiter, i) => waiter.resolve(results[i] as Res));
          return;
        } catch (error) {
          if (!isUnimplemented(error)) {
            for (const waiter of batch.waiters) waiter.reject(error);
            return;
          }
          this.legacy.add(nodeId);
        }
      }
    }
    await Promise.all(
      batch.requests.map((request, i) => {
        this.stats.singleCalls += 1;
        const waiter = batch.waiters[i] as Waiter<Res>;
        return this.options.sendOne(nodeId, request).then(waiter.resolve, waiter.reject);
      }),
    );
  }
}
