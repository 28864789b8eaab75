import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Buckets for call and query latency, in seconds (0.25 ms .. 5 s). */
const LATENCY_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The data service's Prometheus metrics, on the process registry. Names are
 * listed in docs/data-service.md. The coalescing ratio is also derivable as
 * `rate(chat_data_read_requests_total) / rate(chat_data_read_executions_total)`.
 */
export class DataServiceMetrics {
  /** gRPC requests in, by method. */
  readonly requests: Counter<'method'>;
  /** Time to answer a request, by method and outcome (ok or the error kind). */
  readonly requestSeconds: Histogram<'method' | 'outcome'>;
  /** Store queries out, by operation. */
  readonly storeQueries: Counter<'operation'>;
  /** Store query time (after the semaphore), by operation. */
  readonly storeQuerySeconds: Histogram<'operation'>;
  /** Coalescable reads in, by method. */
  readonly readRequests: Counter<'method'>;
  /** Reads that ran their own query (the rest shared one), by method. */
  readonly readExecutions: Counter<'method'>;
  /** Reads in per read executed since start (1 = nothing shared). */
  readonly coalescingRatio: Gauge;
  /** Store permits held now. */
  readonly semaphoreInUse: Gauge;
  /** Callers waiting for a store permit now. */
  readonly semaphoreQueueDepth: Gauge;
  /** Callers refused a store permit, by reason (queue_full, deadline, cancelled). */
  readonly semaphoreRejected: Counter<'reason'>;
  /** Time spent waiting for a store permit. */
  readonly semaphoreWaitSeconds: Histogram;
  /** Bus events that could not be published after a durable write, by event. */
  readonly publishFailures: Counter<'event'>;
  readonly outboxRecovered: Counter<'outcome' | 'kind'>;

  constructor(registry: Registry, ratio: () => number = () => 1) {
    const registers = [registry];
    this.requests = new Counter({ name: 'chat_data_requests_total', help: 'MessageService requests received, by method', labelNames: ['method'], registers });
    this.requestSeconds = new Histogram({ name: 'chat_data_request_seconds', help: 'MessageService request latency, by method and outcome', labelNames: ['method', 'outcome'], buckets: LATENCY_BUCKETS, registers });
    this.storeQueries = new Counter({ name: 'chat_data_store_queries_total', help: 'Queries sent to the message store, by operation', labelNames: ['operation'], registers });
    this.storeQuerySeconds = new Histogram({ name: 'chat_data_store_query_seconds', help: 'Message store query latency, by operation', labelNames: ['operation'], buckets: LATENCY_BUCKETS, registers });
    this.readRequests = new Counter({ name: 'chat_data_read_requests_total', help: 'Coalescable reads received, by method', labelNames: ['method'], registers });
    this.readExecutions = new Counter({ name: 'chat_data_read_executions_total', help: 'Coalescable reads that ran their own store query, by method', labelNames: ['method'], registers });
    this.coalescingRatio = new Gauge({ name: 'chat_data_coalescing_ratio', help: 'Reads received per read executed since start (1 means nothing was shared)', registers, collect: function () {
      this.set(ratio());
    } });
    this.semaphoreInUse = new Gauge({ name: 'chat_data_store_permits_in_use', help: 'Store concurrency permits held', registers });
    this.semaphoreQueueDepth = new Gauge({ name: 'chat_data_store_queue_depth', help: 'Callers waiting for a store permit', registers });
    this.semaphoreRejected = new Counter({ name: 'chat_data_store_rejected_total', help: 'Callers refused a store permit, by reason', labelNames: ['reason'], registers });
    this.semaphoreWaitSeconds = new Histogram({ name: 'chat_data_store_wait_seconds', help: 'Time waiting for a store permit', buckets: LATENCY_BUCKETS, registers });
    this.publishFailures = new Counter({ name: 'chat_data_publish_failures_total', help: 'Publishes that failed after a durable write (the outbox entry stays; recovery publishes it), by event', labelNames: ['event'], registers });
    this.outboxRecovered = new Counter({ name: 'chat_data_outbox_recovered_total', help: 'Outbox entries handled by recovery: published (the write had happened) or dropped (it had not)', labelNames: ['outcome', 'kind'], registers });
  }
}
