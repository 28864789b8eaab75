/**
 * Test fixtures for voice: a guild with voice channels (one with a user
 * limit, one without CONNECT, one without SPEAK) and a fake voice ring that
 * records every call and can be made unreachable.
 */
import type { voiceV1 } from '@chat/proto';
import { openStore, type Store } from '@chat/store';
import type { VoiceApi, VoiceClients } from './voice-clients';

const bit = (n: number): bigint => 1n << BigInt(n);

/** Ids of the voice fixture. */
export const vids = {
  guild: '110000000000000001',
  owner: '210000000000000001',
  alice: '210000000000000002',
  bob: '210000000000000003',
  carol: '210000000000000004',
  mods: '410000000000000001',
  text: '310000000000000001',
  voiceA: '310000000000000002',
  /** user_limit 1, on voice node v2. */
  small: '310000000000000003',
  /** @everyone denied CONNECT. */
  locked: '310000000000000004',
  /** @everyone denied SPEAK. */
  quiet: '310000000000000005',
};

/** Opens a store with the voice fixture guild: @everyone has VIEW_CHANNEL, CONNECT, SPEAK; carol has the mods role (MUTE, DEAFEN, MOVE_MEMBERS). */
export async function seedVoiceGuild(): Promise<Store> {
  const store = await openStore({ backend: 'sqlite', path: ':memory:' });
  const g = vids.guild;
  for (const [id, name] of [[vids.owner, 'owner'], [vids.alice, 'alice'], [vids.bob, 'bob'], [vids.carol, 'carol']] as const) await store.users.createUser({ id, username: name });
  await store.guilds.createGuild({ id: g, name: 'Voice guild', ownerId: vids.owner });
  await store.guilds.createRole({ id: g, guildId: g, name: '@everyone', permissions: (bit(10) | bit(20) | bit(21)).toString() });
  await store.guilds.createRole({ id: vids.mods, guildId: g, name: 'mods', permissions: (bit(22) | bit(23) | bit(24)).toString() });
  await store.guilds.createChannel({ id: vids.text, type: 0, guildId: g, name: 'text' });
  await store.guilds.createChannel({ id: vids.voiceA, type: 2, guildId: g, name: 'voice-a' });
  await store.guilds.createChannel({ id: vids.small, type: 2, guildId: g, name: 'small', userLimit: 1 });
  await store.guilds.createChannel({ id: vids.locked, type: 2, guildId: g, name: 'locked' });
  await store.guilds.createChannel({ id: vids.quiet, type: 2, guildId: g, name: 'quiet' });
  await store.guilds.setPermissionOverwrite(vids.locked, { id: g, type: 0, allow: '0', deny: bit(20).toString() });
  await store.guilds.setPermissionOverwrite(vids.quiet, { id: g, type: 0, allow: '0', deny: bit(21).toString() });
  for (const id of [vids.owner, vids.alice, vids.bob]) await store.guilds.addMember({ guildId: g, userId: id, joinedAt: new Date('2024-01-01T00:00:00Z') });
  await store.guilds.addMember({ guildId: g, userId: vids.carol, joinedAt: new Date('2024-01-01T00:00:00Z'), roleIds: [vids.mods] });
  return store;
}

/** One recorded voice call. */
export type VoiceCall =
  | { op: 'allocate'; node: string; request: voiceV1.AllocateServerRequest }
  | { op: 'revoke'; node: string; request: voiceV1.RevokeSessionRequest }
  | { op: 'participant'; node: string; request: voiceV1.UpdateParticipantRequest };

/** A fake voice ring: #small lives on node v2, every other call on v1. */
export class FakeVoiceClients implements VoiceClients {
  readonly calls: VoiceCall[] = [];
  /** While true every call fails as an unreachable node would. */
  down = false;
  private tokens = 0;

  nodeFor(_guildId: string, channelId: string): string {
    return channelId === vids.small ? 'v2' : 'v1';
  }

  client(node: string): VoiceApi {
    const fail = () => {
      if (this.down) throw Object.assign(new Error(`voice node ${node} unreachable`), { kind: 'unavailable' });
    };
    return {
      allocateServer: async (request) => {
        this.calls.push({ op: 'allocate', node, request });
        fail();
        this.tokens += 1;
        return { server: { endpoint: `${node}.voice.test:443`, token: `token-${this.tokens}`, voiceNodeId: node } };
      },
      revokeSession: async (request) => {
        this.calls.push({ op: 'revoke', node, request });
        fail();
        return { revokedSessions: 1 };
      },
      updateParticipant: async (request) => {
        this.calls.push({ op: 'participant', node, request });
        fail();
        return {};
      },
    };
  }

  /** Set by close(). */
  closed = false;

  close(): void {
    this.closed = true;
  }
}
