/**
 * Discord's message bucket: a ten-day window of the snowflake's timestamp.
 * One partition per (channel, bucket) keeps partitions small (a busy channel
 * writes at most ten days into one) and lets history read one partition for
 * the common "latest 50" page.
 */
import { DISCORD_EPOCH_MS } from '@chat/snowflake';

/** Width of a bucket: ten days in milliseconds. */
export const BUCKET_SIZE_MS = 10 * 24 * 60 * 60 * 1000;

const TIMESTAMP_SHIFT = 22n;
const BUCKET_SIZE = BigInt(BUCKET_SIZE_MS);

/** The bucket of a snowflake: floor((timestamp ms - Discord epoch) / ten days). */
export function bucketOf(id: bigint): number {
  return Number((id >> TIMESTAMP_SHIFT) / BUCKET_SIZE);
}

/** The bucket of a Unix-ms time (for "now"). */
export function bucketOfTime(ms: number): number {
  return Math.floor((ms - DISCORD_EPOCH_MS) / BUCKET_SIZE_MS);
}
