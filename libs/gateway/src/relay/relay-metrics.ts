/**
 * Prometheus metrics of the gateway node's fan-out: for each dispatch a guild
 * stream delivers, how long this node took to filter it, build its frame(s)
 * and hand them to every matching local session, and how many sessions got
 * it. Labels are fixed (no guild, user or session ids).
 */
import type { guildV1 } from '@chat/proto';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { GuildRelay } from './guild-relay';

/** Seconds: 50 µs (a small guild) to 2.5 s (a stalled event loop). */
const SECONDS_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Sessions written by one dispatch (0: nobody here could see it). */
const SESSION_BUCKETS = [0, 1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 50_000];

const byRegistry = new WeakMap<Registry, RelayMetrics>();

/** Fan-out instruments of one registry; get them with {@link RelayMetrics.of}. */
export class RelayMetrics {
  private readonly seconds: Histogram<string>;
  private readonly sessions: Histogram<string>;
  private readonly relays = new Set<{ readonly size: number }>();

  private constructor(registry: Registry) {
    const registers = [registry];
    this.seconds = new Histogram({ name: 'chat_gateway_fanout_seconds', help: 'Time to fan one guild dispatch out to the local sessions of this gateway node', buckets: SECONDS_BUCKETS, registers });
    this.sessions = new Histogram({ name: 'chat_gateway_fanout_sessions', help: 'Local sessions written by one guild dispatch', buckets: SESSION_BUCKETS, registers });
    const relays = this.relays;
    new Gauge({
      name: 'chat_gateway_relay_sessions',
      help: 'Sessions attached to the gateway relay (this node)',
      registers,
      collect() {
        let total = 0;
        for (const relay of relays) total += relay.size;
        this.set(total);
      },
    });
  }

  /** The instruments of `registry` (created on first use, so several relays may share one registry). */
  static of(registry: Registry): RelayMetrics {
    let found = byRegistry.get(registry);
    if (!found) {
      found = new RelayMetrics(registry);
      byRegistry.set(registry, found);
    }
    return found;
  }

  /** Reports `relay.size` as attached sessions at every scrape. */
  watch(relay: { readonly size: number }): void {
    this.relays.add(relay);
  }

  /** Measures `relay`'s fan-out from now on and reports its attached sessions. */
  attach(relay: { metrics: RelayMetrics | undefined; readonly size: number }): void {
    relay.metrics = this;
    this.watch(relay);
  }

  /** Hands `item` to `relay`; a dispatch that was not a duplicate is timed and its session writes counted. */
  handle(relay: GuildRelay, item: guildV1.DispatchItem): void {
    const sequence = relay.lastSequence;
    const written = relay.sessionsWritten;
    const started = performance.now();
    relay.handle(item);
    if (item.item?.$case !== 'dispatch' || relay.lastSequence === sequence) return;
    this.seconds.observe((performance.now() - started) / 1000);
    this.sessions.observe(relay.sessionsWritten - written);
  }
}

/** `relay.handle(item)`, measured when `metrics` is given. */
export function relayItem(relay: GuildRelay, item: guildV1.DispatchItem, metrics: RelayMetrics | undefined): void {
  if (metrics) metrics.handle(relay, item);
  else relay.handle(item);
}
