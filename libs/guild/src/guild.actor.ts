/**
 * The guild actor: one per guild on the guild node that owns it. Holds the
 * guild's state (loaded from the store on activation), the sessions attached
 * per gateway node with their mode and access, a per-guild sequence and a
 * bounded replay log; every stream item goes to the node-level outbox once
 * per gateway node that has sessions here, never once per session.
 */
import { GatewayIntentBits } from 'discord-api-types/v10';
import { defineBehaviour, type Behaviour, type Reply } from '@chat/actor';
import { guildV1 } from '@chat/proto';
import { accessOf, loadGuildData, permissionsOf } from './guild-state';
import { emit, nodesOf, type GuildActorDeps, type GuildState } from './guild-fanout';

export type { AttachedSession, DispatchOutbox, GuildActorDeps, GuildState } from './guild-fanout';
import { buildGuildCreate } from './guild-create';
import { toDiscordChannel, toDiscordGuild } from '@chat/discord';
import { presenceJson, type PresenceRecord } from './guild-json';
import { advanceListing, offloadListing, type ListingDeps } from './member-listing';
import { ReplayLog } from './replay-log';
import type { AttachInput, GuildMsg } from './guild.messages';
import { applyPublish } from './guild-publish';
import { tracePublish } from './publish-tracing';
import { changesMember, changesStructure } from './dispatch-defaults';
import { VoiceServerUnavailableError } from './errors';
import type { VoiceDeps } from './voice/voice-calls';
import { leaveOnDetach, moderateVoiceState, pruneVoiceStates, updateVoiceState } from './voice/voice-ops';

/** What getSnapshot shows. */
export interface GuildSnapshot {
  guildId: string;
  sequence: string;
  memberCount: number;
  channelIds: string[];
  roleIds: string[];
  /** Number of attached sessions. */
  sessionCount: number;
  /**
   * The attached sessions. Built when first read (from the actor's state at
   * that moment), not at every commit: a guild with 10,000 sessions would
   * otherwise copy 10,000 entries on every attach, detach and publish.
   */
  readonly sessions: { sessionId: string; userId: string; nodeId: string; mode: guildV1.SessionMode }[];
  replaySize: number;
  /** Voice states: who is in which voice channel with which session. */
  voiceStates: { userId: string; channelId: string; sessionId: string; mute: boolean; deaf: boolean; selfMute: boolean; selfDeaf: boolean; suppress: boolean }[];
}

type SessionEntry = GuildSnapshot['sessions'][number];

/** The snapshot's `sessions`, computed once on first read. */
function lazySessions(state: GuildState): () => SessionEntry[] {
  let list: SessionEntry[] | undefined;
  return () => (list ??= [...state.sessions.values()].map((s) => ({ sessionId: s.sessionId, userId: s.userId, nodeId: s.nodeId, mode: s.mode })));
}

const DEDUPE_KEYS = 4096;

function sessionsChanged(state: GuildState, deps: GuildActorDeps): void {
  deps.onSessionsChanged?.(state.data.guild.id, state.sessions.size);
}

function broadcastPresence(state: GuildState, deps: GuildActorDeps, userId: string, presence: PresenceRecord): void {
  const payload = Buffer.from(JSON.stringify(presenceJson(state.data.guild.id, userId, presence)));
  const dispatch: guildV1.Dispatch = {
    type: 'PRESENCE_UPDATE',
    payloadJson: payload,
    redactedPayloadJson: Buffer.alloc(0),
    filter: { intents: GatewayIntentBits.GuildPresences, audience: guildV1.Audience.ACTIVE, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [] },
  };
  emit(state, deps, nodesOf(state), { $case: 'dispatch', dispatch });
}

function attach(state: GuildState, deps: GuildActorDeps, input: AttachInput): guildV1.GuildAttachment | undefined {
  if (!state.data.members.has(input.userId)) return undefined;
  // The guild moved here and the gateway kept its sessions: before anything later, that node gets every item emitted here so far.
  let movedIncomplete = false;
  if (input.movedFromSequence !== undefined && input.movedFromSequence > 0n) {
    const key = `${input.nodeId}:${input.movedFromSequence}`;
    state.movedReplays ??= new Set();
    if (!state.movedReplays.has(key)) {
      state.movedReplays.add(key);
      const items = state.log.sinceActivation(input.movedFromSequence);
      if (items) deps.outbox.replace(input.nodeId, state.data.guild.id, items);
      else movedIncomplete = true;
    }
  }
  const previous = state.sessions.get(input.sessionId);
  // RESUME landed on another gateway node: fence the old one (every item before this goes there, every later one here).
  if (previous && previous.nodeId !== input.nodeId) {
    emit(state, deps, [previous.nodeId], { $case: 'sessionMoved', sessionMoved: { sessionId: input.sessionId, nodeId: input.nodeId } });
  }
  const passive = input.allowPassive && state.data.members.size > deps.passiveThreshold;
  const mode = previous?.mode ?? (passive ? guildV1.SessionMode.PASSIVE : guildV1.SessionMode.ACTIVE);
  const access = accessOf(state.data, input.userId);
  state.sessions.set(input.sessionId, { ...input, mode, access });
  sessionsChanged(state, deps);
  if (input.presence) {
    state.data.presences.set(input.userId, input.presence);
    broadcastPresence(state, deps, input.userId, input.presence);
  }
  return {
    guildId: state.data.guild.id,
    mode,
    guildCreateJson: input.resuming ? Buffer.alloc(0) : buildGuildCreate(state.data, input.userId, input.largeThreshold),
    sequence: state.sequence.toString(),
    access: { userId: access.userId, roleIds: access.roleIds, viewableChannelIds: access.viewableChannelIds },
    movedIncomplete,
  };
}

function detach(state: GuildState, deps: GuildActorDeps & VoiceDeps, sessionId: string, nodeId?: string): void {
  const session = state.sessions.get(sessionId);
  if (!session) return;
  // A late detach from the node the session moved away from leaves it where it is now.
  if (nodeId !== undefined && nodeId !== '' && session.nodeId !== nodeId) return;
  state.sessions.delete(sessionId);
  sessionsChanged(state, deps);
  leaveOnDetach(state, deps, sessionId, session.userId);
  // Presence first: the scan over every session only runs for users who have one (a mass detach stays linear).
  if (state.data.presences.has(session.userId) && !stillOnline(state, session.userId)) {
    const offline: PresenceRecord = { status: 'offline', activities: [], clientStatus: {} };
    state.data.presences.delete(session.userId);
    broadcastPresence(state, deps, session.userId, offline);
  }
}

function stillOnline(state: GuildState, userId: string): boolean {
  for (const s of state.sessions.values()) if (s.userId === userId) return true;
  return false;
}

function bump(state: GuildState): GuildState {
  return { ...state, version: state.version + 1 };
}

/** Answers a voice ask; a failed voice call is logged here and answered as an error, never a crash of the actor. */
async function answerVoice<R>(deps: VoiceDeps, reply: Reply<R>, run: () => Promise<R>): Promise<void> {
  try {
    reply(await run());
  } catch (error) {
    if (error instanceof VoiceServerUnavailableError) deps.onVoiceError?.(error, { operation: error.operation, voiceNodeId: error.voiceNodeId });
    reply.fail(error);
  }
}

/** Builds the behaviour of the actor for `guildId`. */
export function guildBehaviour(guildId: string, deps: GuildActorDeps & ListingDeps & VoiceDeps): Behaviour<GuildMsg, GuildState, GuildSnapshot> {
  return defineBehaviour<GuildMsg, GuildState, GuildSnapshot>({
    activate: async () => ({
      data: await loadGuildData(deps.store, guildId),
      sessions: new Map(),
      sequence: deps.initialSequence?.() ?? BigInt(Date.now()) << 20n,
      log: new ReplayLog(deps.replayCapacity),
      dedupe: new Map(),
      version: 0,
    }),
    receive: async (state, msg, ctx) => {
      switch (msg.type) {
        case 'attach':
          msg.reply(attach(state, deps, msg.input));
          return bump(state);
        case 'detach':
          detach(state, deps, msg.sessionId, msg.nodeId);
          msg.reply?.();
          return bump(state);
        case 'detach-node':
          for (const session of [...state.sessions.values()]) if (session.nodeId === msg.nodeId) detach(state, deps, session.sessionId);
          return bump(state);
        case 'subscribe': {
          const session = state.sessions.get(msg.sessionId);
          if (!session) {
            msg.reply(undefined);
            return state;
          }
          const mode = msg.active || !session.allowPassive ? guildV1.SessionMode.ACTIVE : guildV1.SessionMode.PASSIVE;
          if (mode !== session.mode) {
            session.mode = mode;
            emit(state, deps, [session.nodeId], { $case: 'sessionMode', sessionMode: { sessionId: session.sessionId, mode } });
          }
          msg.reply({ mode, sequence: state.sequence.toString() });
          return bump(state);
        }
        case 'presence':
          if (state.data.members.has(msg.userId)) {
            state.data.presences.set(msg.userId, msg.presence);
            broadcastPresence(state, deps, msg.userId, msg.presence);
          }
          msg.reply?.();
          return bump(state);
        case 'publish': {
          const known = msg.dedupeKey === '' ? undefined : state.dedupe.get(msg.dedupeKey);
          if (known !== undefined) {
            msg.reply({ sequence: known, duplicate: true });
            return state;
          }
          const sequence = await tracePublish(state.data.guild.id, msg.dispatch, (dispatch) => applyPublish(state, deps, dispatch));
          if (state.data.voiceStates.size > 0 && (changesStructure(msg.dispatch.type) || changesMember(msg.dispatch.type))) pruneVoiceStates(state, deps);
          if (msg.dedupeKey !== '') {
            state.dedupe.set(msg.dedupeKey, sequence.toString());
            if (state.dedupe.size > DEDUPE_KEYS) state.dedupe.delete(state.dedupe.keys().next().value!);
          }
          msg.reply({ sequence: sequence.toString(), duplicate: false });
          if (msg.dispatch.type === 'GUILD_DELETE') void ctx.self.stop();
          return bump(state);
        }
        case 'get-guild': {
          const json = { ...toDiscordGuild(state.data.guild, [...state.data.roles.values()]), channels: [...state.data.channels.values()].map((channel) => toDiscordChannel(channel)) };
          msg.reply({
            guildJson: Buffer.from(JSON.stringify(json)),
            memberCount: state.data.members.size,
            onlineCount: new Set([...state.sessions.values()].map((s) => s.userId)).size,
            sequence: state.sequence.toString(),
          });
          return state;
        }
        case 'get-permissions': {
          const member = state.data.members.get(msg.userId);
          msg.reply({
            member: member !== undefined,
            permissions: permissionsOf(state.data, msg.userId, msg.channelId).toString(),
            roleIds: member ? [...member.roleIds] : [],
          });
          return state;
        }
        case 'list-members':
        case 'list-members.continue': {
          if (msg.type === 'list-members' && offloadListing(state.data, msg, deps.memberWorkers, ctx)) return state;
          const job = msg.type === 'list-members' ? { request: msg.request, cursor: msg.request.after, members: [], presences: [], lastId: '', reply: msg.reply } : msg.job;
          const done = advanceListing(state.data, job, deps.listChunk);
          if (done) job.reply(done);
          // The next chunk after the event loop turned: timers and sockets of the whole node run between chunks, not only queued messages.
          else setImmediate(() => ctx.self.send({ type: 'list-members.continue', job }));
          return state;
        }
        case 'replay': {
          const items = state.log.since(msg.after);
          if (items) deps.outbox.replace(msg.nodeId, guildId, items);
          msg.reply(items !== undefined);
          return state;
        }
        case 'moved':
          emit(state, deps, nodesOf(state), { $case: 'guildMoved', guildMoved: { newOwnerNodeId: msg.newOwnerNodeId } });
          state.sessions.clear();
          sessionsChanged(state, deps);
          void ctx.self.stop();
          return bump(state);
        case 'keepalive':
          return state;
        case 'voice-update':
          await answerVoice(deps, msg.reply, () => updateVoiceState(state, deps, msg.input));
          return bump(state);
        case 'voice-moderate':
          await answerVoice(deps, msg.reply, () => moderateVoiceState(state, deps, msg.input));
          return bump(state);
      }
    },
    snapshot: (state) => {
      const sessions = lazySessions(state);
      return {
        guildId,
        sequence: state.sequence.toString(),
        memberCount: state.data.members.size,
        channelIds: [...state.data.channels.keys()],
        roleIds: [...state.data.roles.keys()],
        sessionCount: state.sessions.size,
        get sessions() {
          return sessions();
        },
        replaySize: state.log.size,
        voiceStates: [...state.data.voiceStates.values()].map(({ voiceNodeId: _node, ...v }) => v),
      };
    },
  });
}
