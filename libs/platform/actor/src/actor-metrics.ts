/**
 * Prometheus gauges of the actor runtime: mailbox depth, its maximum and the
 * number of live actors, per actor kind. They are sampled when the registry
 * is scraped (a collect callback walks the systems), so a busy mailbox costs
 * nothing per message. Several systems may share one registry (`--target=all`
 * runs the gateway's session actors and the guild actors in one process).
 */
import { Gauge, type Registry } from 'prom-client';
import type { ActorSystem } from './actor-system';

/** Maps an actor id to a low-cardinality kind label (never the id itself). */
export type ActorKindOf = (id: string) => string;

/**
 * The default kind: the id's prefix before the first `:` or `/`
 * (`guild:123` -> `guild`, `session:abc` -> `session`); ids without one are
 * `other`, so an unexpected id scheme cannot explode the label set.
 */
export const defaultActorKind: ActorKindOf = (id) => {
  const cut = id.search(/[:/]/);
  return cut > 0 ? id.slice(0, cut) : 'other';
};

interface Source {
  readonly system: Pick<ActorSystem, 'ids' | 'get'>;
  readonly kindOf: ActorKindOf;
}

interface Sample {
  depth: number;
  max: number;
  actors: number;
}

const sourcesByRegistry = new WeakMap<Registry, Set<Source>>();

/** Walks every live actor of every source once and sums per kind. */
function sample(sources: Iterable<Source>): Map<string, Sample> {
  const byKind = new Map<string, Sample>();
  for (const { system, kindOf } of sources) {
    for (const id of system.ids()) {
      const ref = system.get(id);
      if (ref === undefined) continue;
      const depth = ref.stats().mailboxDepth;
      const kind = kindOf(id);
      const entry = byKind.get(kind) ?? { depth: 0, max: 0, actors: 0 };
      entry.depth += depth;
      entry.max = Math.max(entry.max, depth);
      entry.actors += 1;
      byKind.set(kind, entry);
    }
  }
  return byKind;
}

function createGauges(registry: Registry, sources: Set<Source>): void {
  const registers = [registry];
  const gauge = (name: string, help: string, pick: (s: Sample) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['kind'],
      registers,
      collect() {
        this.reset();
        for (const [kind, s] of sample(sources)) this.set({ kind }, pick(s));
      },
    });
  };
  gauge('chat_actor_mailbox_depth', 'Messages queued in actor mailboxes and not yet handled, summed per actor kind (sampled at scrape)', (s) => s.depth);
  gauge('chat_actor_mailbox_depth_max', 'Deepest single mailbox per actor kind (sampled at scrape)', (s) => s.max);
  gauge('chat_actors', 'Live actors per actor kind', (s) => s.actors);
}

/**
 * Samples `system`'s mailboxes into `registry` at every scrape (the gauges are
 * created on the first call per registry). Returns a function that stops
 * sampling this system.
 */
export function registerActorMetrics(system: Pick<ActorSystem, 'ids' | 'get'>, registry: Registry, kindOf: ActorKindOf = defaultActorKind): () => void {
  let sources = sourcesByRegistry.get(registry);
  if (sources === undefined) {
    sources = new Set();
    sourcesByRegistry.set(registry, sources);
    createGauges(registry, sources);
  }
  const source: Source = { system, kindOf };
  sources.add(source);
  const owned = sources;
  return () => {
    owned.delete(source);
  };
}
