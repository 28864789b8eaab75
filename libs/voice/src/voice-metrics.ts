/**
 * Prometheus counters of the voice media node, read from
 * `MediaNode.counters()` when the registry is scraped (the UDP hot path keeps
 * plain integer counters and never touches prom-client). Drops are labelled
 * by reason only: malformed, unauthenticated, replayed, unknown_ssrc, muted,
 * silence (silence suppression).
 */
import { Counter, type Registry } from 'prom-client';
import type { MediaCounters, MediaNodeStats } from './media';

/**
 * Reads a media node's counters (cumulative since the node started):
 * `MediaNode.counters()`. The UDP node also returns the accepted and
 * send-error buckets of MediaNodeStats; a node without them reports 0.
 */
export type MediaCountersSource = () => MediaCounters & Partial<MediaNodeStats>;

/** Drop reasons and the counter each one reads. */
const DROP_REASONS = {
  malformed: 'droppedMalformed',
  unauthenticated: 'droppedUnauthenticated',
  replayed: 'droppedReplayed',
  unknown_ssrc: 'droppedUnknownSsrc',
  muted: 'droppedMuted',
  silence: 'silenceSuppressed',
} as const satisfies Record<string, keyof MediaNodeStats>;

const sourcesByRegistry = new WeakMap<Registry, Set<MediaCountersSource>>();

function total(sources: Iterable<MediaCountersSource>, key: keyof MediaNodeStats): number {
  let sum = 0;
  for (const read of sources) sum += read()[key] ?? 0;
  return sum;
}

function createCounters(registry: Registry, sources: Set<MediaCountersSource>): void {
  const registers = [registry];
  const counter = (name: string, help: string, key: keyof MediaNodeStats): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(total(sources, key));
      },
    });
  };
  counter('chat_voice_media_packets_received_total', 'UDP datagrams received by the media node (RTP, keepalives, IP discovery)', 'packetsReceived');
  counter('chat_voice_media_packets_accepted_total', 'Authenticated RTP packets handed to their call', 'packetsAccepted');
  counter('chat_voice_media_packets_forwarded_total', 'RTP packets sent to listeners (one per listener)', 'packetsForwarded');
  counter('chat_voice_media_bytes_sent_total', 'Bytes of RTP sent to listeners', 'bytesSent');
  counter('chat_voice_media_send_errors_total', 'UDP sends that reported an error', 'sendErrors');
  new Counter({
    name: 'chat_voice_media_packets_dropped_total',
    help: 'Datagrams dropped by the media node, by reason',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const [reason, key] of Object.entries(DROP_REASONS)) this.inc({ reason }, total(sources, key));
    },
  });
}

/**
 * Reports a media node's counters on `registry` at every scrape (counters
 * are created on the first call per registry; several nodes are summed).
 * Returns a function that stops reading this node.
 */
export function registerVoiceMetrics(registry: Registry, counters: MediaCountersSource): () => void {
  let sources = sourcesByRegistry.get(registry);
  if (sources === undefined) {
    sources = new Set();
    sourcesByRegistry.set(registry, sources);
    createCounters(registry, sources);
  }
  sources.add(counters);
  const owned = sources;
  return () => {
    owned.delete(counters);
  };
}
