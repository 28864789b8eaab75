/**
 * Coalesces DetachSession calls per guild node. When 10,000 sockets of a
 * gateway node close at once, one DetachSession per session is 10,000 RPCs
 * queueing behind one another (they all timed out at 5 s in the fanout
 * benchmark); here the detaches owed to one guild node within `windowMs` go
 * out as one DetachSessions call (CallCoalescer). A guild node without that
 * RPC (UNIMPLEMENTED) gets one DetachSession per session from then on.
 * Detaches never fail their caller: errors go to `onError`, once per call.
 */
import type { guildV1 } from '@chat/proto';
import { CallCoalescer, isUnimplemented } from './call-coalescer';

/** The calls the coalescer makes on one guild node. */
export interface DetachTarget {
  detachSession(request: guildV1.DetachSessionRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionResponse>;
  detachSessions?(request: guildV1.DetachSessionsRequest, options?: { timeoutMs?: number }): Promise<guildV1.DetachSessionsResponse>;
}

/** Options of the coalescer. */
export interface DetachCoalescerOptions {
  /** The client of a guild node. */
  client: (nodeId: string) => DetachTarget;
  /** Deadline of a single call; a batch gets this plus 1 ms per session. */
  timeoutMs: number;
  /** How long detaches are collected before a call goes out (default 5 ms). */
  windowMs?: number;
  /** Sessions per call at most (default 5000); more are split. */
  maxBatch?: number;
  /** Called once per failed call. */
  onError?: (error: unknown, context: string) => void;
}

/** Per guild node, a short window of detaches sent as one call. */
export class DetachCoalescer {
  private readonly calls: CallCoalescer<guildV1.DetachSessionRequest, void>;

  constructor(options: DetachCoalescerOptions) {
    const { timeoutMs } = options;
    this.calls = new CallCoalescer<guildV1.DetachSessionRequest, void>({
      sendBatch: (nodeId, requests) => {
        const client = options.client(nodeId);
        if (!client.detachSessions) return undefined;
        // The guild node works through a batch one detach at a time: its deadline grows by 1 ms per session.
        return client.detachSessions({ sessions: requests }, { timeoutMs: timeoutMs + requests.length }).then(
          () => requests.map(() => undefined),
          (error: unknown) => {
            if (isUnimplemented(error)) throw error;
            options.onError?.(error, `detach ${requests.length} sessions at ${nodeId}`);
            return requests.map(() => undefined);
          },
        );
      },
      sendOne: (nodeId, request) =>
        options
          .client(nodeId)
          .detachSession(request, { timeoutMs })
          .then(
            () => undefined,
            (error: unknown) => options.onError?.(error, `detach at ${nodeId}`),
          ),
      ...(options.windowMs === undefined ? {} : { windowMs: options.windowMs }),
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
    });
  }

  /** Calls made and sessions carried. */
  get stats(): { batchCalls: number; singleCalls: number; requests: number } {
    return this.calls.stats;
  }

  /** Queues one session's detach at `nodeId`; resolves when the call carrying it has answered or failed (never rejects). */
  detach(nodeId: string, request: guildV1.DetachSessionRequest): Promise<void> {
    return this.calls.call(nodeId, request);
  }

  /** Sends everything queued now (shutdown). */
  flushAll(): Promise<void> {
    return this.calls.flushAll();
  }
}
