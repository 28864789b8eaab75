import type { ShardFilter } from '../relay/local-sessions';

/** True when the guild belongs to the shard: (guild_id >> 22) % num_shards === shard_id; always true without a shard. */
export function inShard(guildId: string, shard: ShardFilter | undefined): boolean {
  if (!shard || shard.count <= 1) return true;
  return Number((BigInt(guildId) >> 22n) % BigInt(shard.count)) === shard.id;
}
