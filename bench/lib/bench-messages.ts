/**
 * Generated messages for the benchmarks: deterministic (a seeded PRNG), so
 * two stores in one run get exactly the same rows.
 */
import { errorKindOf } from '@chat/errors';
import { composeSnowflake } from '@chat/snowflake';
import type { NewMessage } from '@chat/store';
import { seededRandom } from '../../libs/platform/testing/src/seeded-random';

export { seededRandom };

/** The benchmarks' guild and author. */
export const BENCH_GUILD = '1000000000000000001';
export const BENCH_AUTHOR = '1100000000000000001';

const WORDS = ['hello', 'ship', 'it', 'lgtm', 'the', 'build', 'is', 'green', 'again', 'who', 'broke', 'prod', 'coffee', 'meeting', 'later', 'see', 'thread', 'above', 'nice', 'merged'];

/** A message of `channelId` with the given id and some text drawn from `random`. */
export function benchMessage(id: string, channelId: string, random: () => number): NewMessage {
  const words = 3 + Math.floor(random() * 25);
  const content = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  return {
    id,
    channelId,
    guildId: BENCH_GUILD,
    authorId: BENCH_AUTHOR,
    content,
    tts: false,
    mentionEveryone: false,
    mentionUserIds: [],
    mentionRoleIds: [],
    attachmentsJson: '[]',
    embedsJson: '[]',
    nonce: null,
    type: 0,
    flags: 0,
    reference: null,
  };
}

/**
 * `perChannel` messages in each of `channelIds`, with snowflake ids spread
 * evenly (plus jitter) over the `days` before `endMs`, so a channel's history
 * spans several ten-day buckets. Returned in insertion order: channels
 * interleaved, each channel's messages oldest first.
 */
export function spreadMessages(channelIds: readonly string[], perChannel: number, days: number, endMs: number, seed: number): NewMessage[] {
  const random = seededRandom(seed);
  const span = days * 86_400_000;
  const step = span / perChannel;
  const out: NewMessage[] = [];
  for (let i = 0; i < perChannel; i++) {
    for (const [c, channelId] of channelIds.entries()) {
      const timestampMs = Math.floor(endMs - span + i * step + random() * step * 0.5);
      const id = composeSnowflake({ timestampMs, workerId: 1, processId: c % 32, increment: i % 4096 });
      out.push(benchMessage(id, channelId, random));
    }
  }
  return out;
}

/** Runs `work` over `items` with at most `concurrency` in flight; resolves when all are done. */
export async function forEachConcurrent<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Counts of {@link createWithRetry}'s retries, reported in the benchmarks' JSON. */
export interface RetryCounts {
  /** Attempts that failed as unavailable (timeouts, overload) and were retried. */
  retries: number;
  /** Retries that found the row already written by the timed-out attempt. */
  alreadyWritten: number;
}

/**
 * Creates a message, retrying up to 5 times (100 ms backoff, doubling) when
 * the store is unavailable (a write timeout of an overloaded node). A
 * conflict on a retry means the timed-out attempt did write, and counts as
 * done. Any other error is thrown.
 */
export async function createWithRetry(messages: { create(message: NewMessage): Promise<unknown> }, message: NewMessage, counts: RetryCounts): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await messages.create(message);
      return;
    } catch (error) {
      const kind = errorKindOf(error);
      if (attempt > 0 && kind === 'conflict') {
        counts.alreadyWritten += 1;
        return;
      }
      if (kind !== 'unavailable' || attempt >= 5) throw error;
      counts.retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
