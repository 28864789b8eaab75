/**
 * Seeds the fanout benchmark's SQLite file through @chat/store before the
 * server opens it: an owner, one guild with an @everyone role that may view
 * and send, one text channel, and N member users each with a user token.
 * Registering 10 000 users over REST would spend most of the run in scrypt
 * (and the 5-per-minute register limit), so users go in through the store.
 */
import { generateToken, openStore } from '@chat/store';

/** What the benchmark needs to drive the seeded guild. */
export interface SeededGuild {
  guildId: string;
  channelId: string;
  ownerToken: string;
  memberTokens: string[];
  seedMs: number;
}

const GUILD = '900000000000000001';
const CHANNEL = '900000000000000002';
const OWNER = '910000000000000000';
const VIEW_AND_SEND = ((1n << 10n) | (1n << 11n)).toString();

/** Creates the guild and `members` users (ids 910000000000000001..) in the SQLite file at `path`. */
export async function seedFanoutGuild(path: string, members: number): Promise<SeededGuild> {
  const started = performance.now();
  const store = await openStore({ backend: 'sqlite', path });
  try {
    await store.users.createUser({ id: OWNER, username: 'owner' });
    const ownerToken = generateToken(OWNER);
    await store.users.addToken(OWNER, ownerToken, 'user');
    await store.guilds.createGuild({ id: GUILD, name: 'fanout', ownerId: OWNER });
    await store.guilds.createRole({ id: GUILD, guildId: GUILD, name: '@everyone', permissions: VIEW_AND_SEND });
    await store.guilds.createChannel({ id: CHANNEL, type: 0, guildId: GUILD, name: 'general' });
    const joinedAt = new Date('2026-01-01T00:00:00Z');
    await store.guilds.addMember({ guildId: GUILD, userId: OWNER, joinedAt });
    const memberTokens: string[] = [];
    for (let i = 1; i <= members; i++) {
      const id = (BigInt(OWNER) + BigInt(i)).toString();
      await store.users.createUser({ id, username: `member${i}` });
      const token = generateToken(id);
      await store.users.addToken(id, token, 'user');
      await store.guilds.addMember({ guildId: GUILD, userId: id, joinedAt });
      memberTokens.push(token);
    }
    return { guildId: GUILD, channelId: CHANNEL, ownerToken, memberTokens, seedMs: performance.now() - started };
  } finally {
    await store.close();
  }
}
