import { ActorSystem, type ActorRef } from '@chat/actor';
import { guildV1 } from '@chat/proto';
import type { Store } from '@chat/store';
import { afterEach, describe, expect, it } from 'vitest';
import { NotInVoiceError, NotVoiceChannelError, VoiceChannelFullError, VoicePermissionError, VoiceServerUnavailableError, InvalidGuildRequestError } from '../errors';
import { guildBehaviour, type GuildSnapshot } from '../guild.actor';
import type { AttachInput, GuildMsg } from '../guild.messages';
import type { VoiceModerateInput, VoiceUpdateInput } from './voice-ops';
import { FakeVoiceClients, seedVoiceGuild, vids } from './voice-testing';

const VOICE_INTENT = 1 << 7;

interface Sent {
  nodeId: string;
  type: string;
  d: Record<string, unknown>;
  filter: guildV1.DispatchFilter | undefined;
}

let system: ActorSystem;
let store: Store;

afterEach(async () => {
  await system?.stopAll();
  await store?.close();
});

async function start() {
  store = await seedVoiceGuild();
  const voice = new FakeVoiceClients();
  const sent: Sent[] = [];
  const errors: unknown[] = [];
  const seen = new Set<string>();
  const record = (nodeId: string, item: guildV1.DispatchItem) => {
    // One emit is queued once per gateway node: count it once.
    if (item.item?.$case !== 'dispatch' || seen.has(item.sequence)) return;
    seen.add(item.sequence);
    const dispatch = item.item.dispatch;
    sent.push({ nodeId, type: dispatch.type, d: JSON.parse(dispatch.payloadJson.toString()) as Record<string, unknown>, filter: dispatch.filter });
  };
  const outbox = { enqueue: (nodeId: string, _g: string, item: guildV1.DispatchItem) => record(nodeId, item), replace: () => undefined };
  system = new ActorSystem();
  const ref: ActorRef<GuildMsg, GuildSnapshot> = system.spawn(
    'guild',
    guildBehaviour(vids.guild, { store, outbox, passiveThreshold: 75, replayCapacity: 100, listChunk: 10, voice, onVoiceError: (error) => errors.push(error) }),
  );
  const attach = (sessionId: string, userId: string, intents = VOICE_INTENT, nodeId = 'gw-1') => {
    const input: AttachInput = { sessionId, userId, nodeId, intents, allowPassive: false, largeThreshold: 0, resuming: false };
    return ref.ask<guildV1.GuildAttachment | undefined>((reply) => ({ type: 'attach', input, reply }));
  };
  const update = (input: VoiceUpdateInput) => ref.ask<guildV1.UpdateVoiceStateResponse>((reply) => ({ type: 'voice-update', input, reply }));
  const join = (sessionId: string, userId: string, channelId: string | undefined, flags: { selfMute?: boolean; selfDeaf?: boolean } = {}) =>
    update({ sessionId, userId, selfMute: flags.selfMute ?? false, selfDeaf: flags.selfDeaf ?? false, ...(channelId === undefined ? {} : { channelId }) });
  const moderate = (input: Omit<VoiceModerateInput, 'disconnect'> & { disconnect?: boolean }) =>
    ref.ask<guildV1.ModerateVoiceStateResponse>((reply) => ({ type: 'voice-moderate', input: { disconnect: false, ...input }, reply }));
  const typed = (type: string) => sent.filter((s) => s.type === type);
  return { ref, voice, sent, errors, attach, join, moderate, typed };
}

describe('guild actor voice states', () => {
  it('joins a voice channel: AllocateServer on the call node, VOICE_STATE_UPDATE to GUILD_VOICE_STATES sessions, VOICE_SERVER_UPDATE to the requester only', async () => {
    const { ref, voice, attach, join, typed } = await start();
    await attach('s-alice', vids.alice);
    await attach('s-bob', vids.bob, 0, 'gw-2');
    const response = await join('s-alice', vids.alice, vids.voiceA, { selfDeaf: true });

    expect(voice.calls[0]).toEqual({ op: 'allocate', node: 'v1', request: { guildId: vids.guild, channelId: vids.voiceA, userId: vids.alice, sessionId: 's-alice' } });
    expect(voice.calls[1]).toMatchObject({ op: 'participant', node: 'v1', request: { selfDeaf: true, mute: false } });
    expect(response.server).toMatchObject({ endpoint: 'v1.voice.test:443', token: 'token-1' });
    expect(response.state).toMatchObject({ guildId: vids.guild, channelId: vids.voiceA, userId: vids.alice, sessionId: 's-alice', selfDeaf: true });

    const [state] = typed('VOICE_STATE_UPDATE');
    expect(state?.filter).toMatchObject({ intents: VOICE_INTENT, targetSessionIds: [] });
    expect(state?.d).toMatchObject({
      guild_id: vids.guild, channel_id: vids.voiceA, user_id: vids.alice, session_id: 's-alice',
      deaf: false, mute: false, self_deaf: true, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null,
    });
    expect((state?.d['member'] as { user: { id: string } }).user.id).toBe(vids.alice);
    expect(typed('VOICE_STATE_UPDATE')).toHaveLength(1); // the requester has the intent: no extra copy
    const servers = typed('VOICE_SERVER_UPDATE');
    expect(servers).toEqual([{ nodeId: 'gw-1', type: 'VOICE_SERVER_UPDATE', d: { token: 'token-1', guild_id: vids.guild, endpoint: 'v1.voice.test:443' }, filter: expect.objectContaining({ targetSessionIds: ['s-alice'] }) }]);
    expect(ref.getSnapshot()!.voiceStates).toEqual([{ userId: vids.alice, channelId: vids.voiceA, sessionId: 's-alice', mute: false, deaf: false, selfMute: false, selfDeaf: true, suppress: false }]);

    // A later GUILD_CREATE carries voice_states (partial: no guild_id).
    const attachment = await attach('s-carol', vids.carol);
    const guildCreate = JSON.parse(attachment!.guildCreateJson.toString()) as { voice_states: Record<string, unknown>[] };
    expect(guildCreate.voice_states).toEqual([expect.objectContaining({ channel_id: vids.voiceA, user_id: vids.alice, session_id: 's-alice', self_deaf: true })]);
    expect(guildCreate.voice_states[0]).not.toHaveProperty('guild_id');
  });

  it('always tells the requesting session, even without the GUILD_VOICE_STATES intent', async () => {
    const { attach, join, typed } = await start();
    await attach('s-alice', vids.alice, 1 << 0, 'gw-3');
    await join('s-alice', vids.alice, vids.voiceA);
    const states = typed('VOICE_STATE_UPDATE');
    expect(states.map((s) => s.filter?.targetSessionIds)).toEqual([[], ['s-alice']]);
    expect(states[1]?.nodeId).toBe('gw-3');
  });

  it('refuses text channels, unknown channels, channels without CONNECT and sessions not attached, without calling the voice service', async () => {
    const { voice, attach, join, typed } = await start();
    await attach('s-alice', vids.alice);
    await expect(join('s-alice', vids.alice, vids.text)).rejects.toBeInstanceOf(NotVoiceChannelError);
    await expect(join('s-alice', vids.alice, '399999999999999999')).rejects.toBeInstanceOf(NotVoiceChannelError);
    await expect(join('s-alice', vids.alice, vids.locked)).rejects.toMatchObject({ constructor: VoicePermissionError, permission: 'CONNECT' });
    await expect(join('s-other', vids.alice, vids.voiceA)).rejects.toBeInstanceOf(InvalidGuildRequestError);
    await expect(join('s-alice', vids.bob, vids.voiceA)).rejects.toBeInstanceOf(InvalidGuildRequestError);
    expect(voice.calls).toEqual([]);
    expect(typed('VOICE_STATE_UPDATE')).toEqual([]);
    // The owner has every permission: the CONNECT deny does not bind.
    await attach('s-owner', vids.owner);
    await expect(join('s-owner', vids.owner, vids.locked)).resolves.toMatchObject({ state: { channelId: vids.locked } });
  });

  it('enforces user_limit unless the member has MOVE_MEMBERS', async () => {
    const { voice, attach, join } = await start();
    await attach('s-alice', vids.alice);
    await attach('s-bob', vids.bob);
    await attach('s-carol', vids.carol);
    await join('s-alice', vids.alice, vids.small);
    expect(voice.calls[0]).toMatchObject({ op: 'allocate', node: 'v2' });
    await expect(join('s-bob', vids.bob, vids.small)).rejects.toMatchObject({ constructor: VoiceChannelFullError, userLimit: 1 });
    await expect(join('s-carol', vids.carol, vids.small)).resolves.toMatchObject({ state: { channelId: vids.small } });
    // Alice changing her own flags in the full channel is not a join.
    await expect(join('s-alice', vids.alice, vids.small, { selfMute: true })).resolves.toMatchObject({ state: { selfMute: true } });
  });

  it('moves between channels: one state per user; on another node allocate then revoke, on the same node revoke then allocate', async () => {
    const { ref, voice, attach, join, typed } = await start();
    await attach('s-alice', vids.alice);
    await join('s-alice', vids.alice, vids.voiceA);
    voice.calls.length = 0;
    await join('s-alice', vids.alice, vids.small);
    expect(voice.calls.map((c) => `${c.op}@${c.node}`)).toEqual(['allocate@v2', 'revoke@v1']);
    expect(voice.calls[1]?.request).toEqual({ guildId: vids.guild, userId: vids.alice, sessionId: 's-alice' });
    voice.calls.length = 0;
    await join('s-alice', vids.alice, vids.voiceA);
    expect(voice.calls.map((c) => `${c.op}@${c.node}`)).toEqual(['allocate@v1', 'revoke@v2']);
    voice.calls.length = 0;
    // #quiet is on v1 like #voice-a, and denies SPEAK: suppressed, shown and enforced as muted.
    await join('s-alice', vids.alice, vids.quiet);
    expect(voice.calls.map((c) => `${c.op}@${c.node}`)).toEqual(['revoke@v1', 'allocate@v1', 'participant@v1']);
    expect(voice.calls[2]?.request).toMatchObject({ mute: true, deaf: false });
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ channel_id: vids.quiet, suppress: true, mute: true });
    expect(typed('VOICE_SERVER_UPDATE')).toHaveLength(4);
    expect(ref.getSnapshot()!.voiceStates).toHaveLength(1);
  });

  it('changes self mute and deafen without moving: UpdateParticipant, no new voice server', async () => {
    const { voice, attach, join, typed } = await start();
    await attach('s-alice', vids.alice);
    await join('s-alice', vids.alice, vids.voiceA);
    voice.calls.length = 0;
    const response = await join('s-alice', vids.alice, vids.voiceA, { selfMute: true, selfDeaf: true });
    expect(response.server).toBeUndefined();
    expect(voice.calls).toEqual([{ op: 'participant', node: 'v1', request: { guildId: vids.guild, channelId: vids.voiceA, userId: vids.alice, mute: false, deaf: false, selfMute: true, selfDeaf: true } }]);
    expect(typed('VOICE_SERVER_UPDATE')).toHaveLength(1);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ channel_id: vids.voiceA, self_mute: true, self_deaf: true });
  });

  it('leaves with channel_id null: VOICE_STATE_UPDATE channel_id null and RevokeSession', async () => {
    const { ref, voice, attach, join, typed } = await start();
    await attach('s-alice', vids.alice);
    await join('s-alice', vids.alice, vids.voiceA);
    voice.calls.length = 0;
    const response = await join('s-alice', vids.alice, undefined);
    expect(response.state?.channelId).toBeUndefined();
    expect(voice.calls).toEqual([{ op: 'revoke', node: 'v1', request: { guildId: vids.guild, userId: vids.alice, sessionId: 's-alice' } }]);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ channel_id: null, user_id: vids.alice, session_id: 's-alice' });
    expect(ref.getSnapshot()!.voiceStates).toEqual([]);
    // Leaving again is a no-op.
    await join('s-alice', vids.alice, undefined);
    expect(voice.calls).toHaveLength(1);
  });

  it('clears the voice state when the session detaches (and not for another session of the user)', async () => {
    const { ref, voice, attach, join, typed } = await start();
    await attach('s-bob', vids.bob, VOICE_INTENT, 'gw-2');
    await attach('s-alice', vids.alice);
    await attach('s-alice-2', vids.alice);
    await join('s-alice', vids.alice, vids.voiceA);
    voice.calls.length = 0;
    await ref.ask<void>((reply) => ({ type: 'detach', sessionId: 's-alice-2', reply }));
    expect(ref.getSnapshot()!.voiceStates).toHaveLength(1);
    await ref.ask<void>((reply) => ({ type: 'detach', sessionId: 's-alice', reply }));
    expect(ref.getSnapshot()!.voiceStates).toEqual([]);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ channel_id: null, user_id: vids.alice });
    await expect.poll(() => voice.calls).toEqual([{ op: 'revoke', node: 'v1', request: { guildId: vids.guild, userId: vids.alice, sessionId: 's-alice' } }]);
  });

  it('clears voice states of a lost gateway node (detach-node)', async () => {
    const { ref, voice, attach, join } = await start();
    await attach('s-alice', vids.alice, VOICE_INTENT, 'gw-lost');
    await join('s-alice', vids.alice, vids.voiceA);
    ref.send({ type: 'detach-node', nodeId: 'gw-lost' });
    await expect.poll(() => ref.getSnapshot()!.voiceStates).toEqual([]);
    await expect.poll(() => voice.calls.filter((c) => c.op === 'revoke')).toHaveLength(1);
  });

  it('clears voice states of members removed and of voice channels deleted (published guild changes)', async () => {
    const { ref, voice, attach, join, typed } = await start();
    await attach('s-carol', vids.carol);
    await attach('s-alice', vids.alice);
    await attach('s-bob', vids.bob);
    await join('s-alice', vids.alice, vids.voiceA);
    await join('s-bob', vids.bob, vids.small);
    voice.calls.length = 0;
    const publish = (type: string, d: unknown) =>
      ref.ask<guildV1.PublishEventResponse>((reply) => ({ type: 'publish', dispatch: { type, payloadJson: Buffer.from(JSON.stringify(d)), redactedPayloadJson: Buffer.alloc(0) }, dedupeKey: '', reply }));
    await store.guilds.removeMember(vids.guild, vids.alice);
    await publish('GUILD_MEMBER_REMOVE', { guild_id: vids.guild, user: { id: vids.alice } });
    expect(ref.getSnapshot()!.voiceStates.map((v) => v.userId)).toEqual([vids.bob]);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ user_id: vids.alice, channel_id: null });
    await store.guilds.deleteChannel(vids.small);
    await publish('CHANNEL_DELETE', { id: vids.small, guild_id: vids.guild, type: 2 });
    expect(ref.getSnapshot()!.voiceStates).toEqual([]);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ user_id: vids.bob, channel_id: null });
    await expect.poll(() => voice.calls.map((c) => `${c.op}@${c.node}`)).toEqual(['revoke@v1', 'revoke@v2']);
  });

  it('moderates: MUTE_MEMBERS, DEAFEN_MEMBERS, MOVE_MEMBERS are checked; mute and deafen reach the voice node; move sends a new server to the member', async () => {
    const { ref, voice, attach, join, moderate, typed } = await start();
    await attach('s-alice', vids.alice);
    await attach('s-carol', vids.carol);
    await expect(moderate({ userId: vids.alice, actorUserId: vids.carol, mute: true })).rejects.toBeInstanceOf(NotInVoiceError);
    await join('s-alice', vids.alice, vids.voiceA);
    voice.calls.length = 0;
    await expect(moderate({ userId: vids.alice, actorUserId: vids.bob, mute: true })).rejects.toMatchObject({ constructor: VoicePermissionError, permission: 'MUTE_MEMBERS' });
    await expect(moderate({ userId: vids.alice, actorUserId: vids.bob, deaf: true })).rejects.toMatchObject({ permission: 'DEAFEN_MEMBERS' });
    await expect(moderate({ userId: vids.alice, actorUserId: vids.bob, channelId: vids.quiet })).rejects.toMatchObject({ permission: 'MOVE_MEMBERS' });
    await expect(moderate({ userId: vids.alice, actorUserId: vids.bob, disconnect: true })).rejects.toMatchObject({ permission: 'MOVE_MEMBERS' });
    expect(voice.calls).toEqual([]);

    const muted = await moderate({ userId: vids.alice, actorUserId: vids.carol, mute: true, deaf: true });
    expect(muted.state).toMatchObject({ mute: true, deaf: true, channelId: vids.voiceA });
    expect(voice.calls).toEqual([{ op: 'participant', node: 'v1', request: expect.objectContaining({ mute: true, deaf: true, userId: vids.alice }) }]);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ mute: true, deaf: true });

    voice.calls.length = 0;
    const moved = await moderate({ userId: vids.alice, actorUserId: vids.carol, channelId: vids.small });
    expect(moved.state).toMatchObject({ channelId: vids.small, mute: true, deaf: true, sessionId: 's-alice' });
    expect(voice.calls.map((c) => `${c.op}@${c.node}`)).toEqual(['allocate@v2', 'revoke@v1', 'participant@v2']);
    expect(typed('VOICE_SERVER_UPDATE').at(-1)).toMatchObject({ filter: { targetSessionIds: ['s-alice'] }, d: { endpoint: 'v2.voice.test:443' } });

    // Server mute stays after the member moves herself (Discord keeps it per guild).
    await join('s-alice', vids.alice, vids.voiceA);
    expect(ref.getSnapshot()!.voiceStates[0]).toMatchObject({ channelId: vids.voiceA, mute: true, deaf: true });

    voice.calls.length = 0;
    const gone = await moderate({ userId: vids.alice, actorUserId: vids.carol, disconnect: true });
    expect(gone.state?.channelId).toBeUndefined();
    expect(voice.calls.map((c) => c.op)).toEqual(['revoke']);
    expect(typed('VOICE_STATE_UPDATE').at(-1)?.d).toMatchObject({ channel_id: null, user_id: vids.alice });
    expect(ref.getSnapshot()!.voiceStates).toEqual([]);
  });

  it('an unreachable voice service fails the op with a logged error: state unchanged, no VOICE_SERVER_UPDATE, actor still serving', async () => {
    const { ref, voice, errors, attach, join, moderate, typed } = await start();
    await attach('s-alice', vids.alice);
    voice.down = true;
    await expect(join('s-alice', vids.alice, vids.voiceA)).rejects.toMatchObject({ constructor: VoiceServerUnavailableError, operation: 'AllocateServer', voiceNodeId: 'v1' });
    expect(ref.getSnapshot()!.voiceStates).toEqual([]);
    expect(typed('VOICE_SERVER_UPDATE')).toEqual([]);
    expect(typed('VOICE_STATE_UPDATE')).toEqual([]);
    expect(errors).toHaveLength(1);

    voice.down = false;
    await join('s-alice', vids.alice, vids.voiceA);
    voice.down = true;
    // Same-node move: the old seat cannot be revoked, so nothing moves.
    await expect(join('s-alice', vids.alice, vids.quiet)).rejects.toBeInstanceOf(VoiceServerUnavailableError);
    await expect(join('s-alice', vids.alice, vids.voiceA, { selfMute: true })).rejects.toBeInstanceOf(VoiceServerUnavailableError);
    await expect(moderate({ userId: vids.alice, actorUserId: vids.carol, mute: true })).rejects.toBeInstanceOf(VoiceServerUnavailableError);
    expect(ref.getSnapshot()!.voiceStates).toEqual([expect.objectContaining({ channelId: vids.voiceA, selfMute: false, mute: false })]);
    expect(typed('VOICE_SERVER_UPDATE')).toHaveLength(1);
    expect(ref.getSnapshot()!.sessionCount).toBe(1);
  });
});
