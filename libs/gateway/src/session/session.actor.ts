/**
 * One session actor per gateway session: owns the dispatch sequence `s`, the
 * resume buffer and the current connection. It outlives the connection for
 * the resume window, so a RESUME on a new socket replays what it missed.
 */
import { defineBehaviour, type Behaviour } from '@chat/actor';
import {
  createDispatchFrame,
  encodeDispatchFrame,
  type DispatchFrame,
  type LocalSession,
  type SessionRelay,
} from '../relay/local-sessions';
import type { MemberLister } from './member-lister';
import { admitMemberRequest } from './member-request-rules';
import type { SessionOutput } from './session-output';
import type { HandoffBeginOutcome, MemberRequest, SessionMsg } from './session.messages';
import { controlFrame } from './session-transport';
import type { SessionVoice, VoiceStateUpdate } from './session-voice';

/** Everything fixed at IDENTIFY. */
export interface SessionIdentity extends LocalSession {
  /** READY's `d` without guilds (filled from the attach). */
  readonly ready: Record<string, unknown>;
  /** Guild ids of the user in this session's shard. */
  readonly guildIds: readonly string[];
}

/** What a session actor needs from the node. */
export interface SessionDeps {
  readonly relay: SessionRelay;
  readonly members: MemberLister;
  /**
   * The session's `s`, resume buffer and connection. The relay writes to it
   * directly; it must be held once when the actor is spawned ('start'
   * releases it after READY and the GUILD_CREATEs).
   */
  readonly output: SessionOutput;
  /** How long a session without a connection can still be resumed. */
  readonly resumeWindowMs: number;
  /** Called once when the session ends for good (unregister it everywhere). */
  readonly onEnded: (sessionId: string) => void;
  /** Called once when the session moved to another gateway node (forget it here, without detaching its guilds). */
  readonly onMoved: (sessionId: string) => void;
  readonly log: { warn(obj: object, msg: string): void };
  /** Voice (op 4) through the guild service; without it (unit tests) op 4 is logged and ignored. */
  readonly voice?: SessionVoice;
}

/** State of a session actor (mutated only by its own handler). */
export interface SessionState {
  /** `s`, resume buffer and connection (shared with the relay's direct deliveries). */
  readonly output: SessionOutput;
  /** Bumped each time the transport changes; an `expire` of an older epoch is ignored. */
  epoch: number;
  readonly guildIds: Set<string>;
  ended: boolean;
}

/** Read-only view for tests and admin. */
export interface SessionView {
  readonly sequence: number;
  readonly connected: boolean;
  readonly guildIds: readonly string[];
}

const GUILD_MEMBERS_CHUNK_SIZE = 1000;

/** Builds the behaviour of one session. */
export function sessionBehaviour(identity: SessionIdentity, deps: SessionDeps): Behaviour<SessionMsg, SessionState, SessionView> {
  const deliver = (state: SessionState, frame: DispatchFrame): void => {
    if (state.ended) return;
    state.output.write(frame);
  };
  const end = (state: SessionState, code: number, reason: string): void => {
    if (state.ended) return;
    state.ended = true;
    state.output.transport?.close(code, reason);
    state.output.end();
    deps.onEnded(identity.sessionId);
  };
  const sendMembers = async (state: SessionState, asked: MemberRequest): Promise<void> => {
    const request = admitMemberRequest(asked, { guildIds: state.guildIds, intents: identity.intents });
    if (!request) return;
    const page = await deps.members.listMembers({
      guildId: request.guildId,
      query: request.query,
      userIds: request.userIds,
      after: '',
      limit: request.userIds.length > 0 ? request.userIds.length : request.limit === 0 ? 1000 : request.limit,
      includePresences: request.presences,
    });
    let members = [...page.members];
    let after = page.nextAfter;
    // limit 0 with an empty query means every member: keep paging.
    while (request.limit === 0 && request.userIds.length === 0 && after !== '') {
      const next = await deps.members.listMembers({ guildId: request.guildId, query: request.query, userIds: [], after, limit: 1000, includePresences: request.presences });
      members = members.concat(next.members);
      after = next.nextAfter;
    }
    const chunkCount = Math.max(1, Math.ceil(members.length / GUILD_MEMBERS_CHUNK_SIZE));
    for (let index = 0; index < chunkCount; index += 1) {
      const d: Record<string, unknown> = {
        guild_id: request.guildId,
        members: members.slice(index * GUILD_MEMBERS_CHUNK_SIZE, (index + 1) * GUILD_MEMBERS_CHUNK_SIZE),
        chunk_index: index,
        chunk_count: chunkCount,
      };
      if (index === 0 && page.notFoundUserIds.length > 0) d.not_found = page.notFoundUserIds;
      if (request.presences) d.presences = index === 0 ? page.presences : [];
      if (request.nonce !== undefined) d.nonce = request.nonce;
      deliver(state, createDispatchFrame('GUILD_MEMBERS_CHUNK', JSON.stringify(d), request.guildId));
    }
  };
  /** op 4: the guild answers with dispatches; a refusal or an unreachable voice service is logged (Discord sends no error either). */
  const updateVoice = async (state: SessionState, update: VoiceStateUpdate): Promise<void> => {
    const where = { sessionId: identity.sessionId, guildId: update.guildId, channelId: update.channelId };
    if (!state.guildIds.has(update.guildId)) {
      deps.log.warn(where, 'VOICE_STATE_UPDATE for a guild the session is not in; ignored');
      return;
    }
    if (!deps.voice) {
      deps.log.warn(where, 'VOICE_STATE_UPDATE ignored: this gateway has no voice wiring');
      return;
    }
    try {
      await deps.voice.updateVoiceState(identity.sessionId, identity.userId, update);
    } catch (error) {
      deps.log.warn({ err: error, ...where }, 'voice state update failed');
    }
  };
  /** Attaches guilds; the relay's dispatches for them wait (held) until their GUILD_CREATE is out. */
  const attach = async (state: SessionState, guildIds: readonly string[]): Promise<void> => {
    state.output.hold();
    try {
      const result = await deps.relay.attachGuilds(identity.sessionId, guildIds);
      for (const guild of result.attached) {
        state.guildIds.add(guild.guildId);
        if (guild.guildCreateJson.length > 0) deliver(state, createDispatchFrame('GUILD_CREATE', guild.guildCreateJson, guild.guildId));
      }
      for (const guildId of result.notMember) state.guildIds.delete(guildId);
    } finally {
      state.output.release();
    }
  };

  return defineBehaviour<SessionMsg, SessionState, SessionView>({
    supervision: { directive: 'resume' },
    activate: () => ({
      output: deps.output,
      epoch: 0,
      guildIds: new Set(identity.guildIds),
      ended: false,
    }),
    snapshot: (state) => ({ sequence: state.output.sequence, connected: state.output.transport !== undefined, guildIds: [...state.guildIds] }),
    receive: async (state, msg, ctx) => {
      switch (msg.type) {
        case 'start': {
          const guilds = identity.guildIds.map((id) => ({ id, unavailable: true }));
          deliver(state, createDispatchFrame('READY', JSON.stringify({ ...identity.ready, guilds })));
          try {
            await attach(state, identity.guildIds);
          } catch (error) {
            deps.log.warn({ err: error, sessionId: identity.sessionId }, 'attaching guilds failed; they stay unavailable');
          } finally {
            // The hold taken when the session was spawned (deliveries before READY wait for it).
            state.output.release();
          }
          return state;
        }
        case 'deliver':
          deliver(state, msg.frame);
          return state;
        case 'attach-guild': {
          if (state.ended) {
            msg.reply?.(false);
            return state;
          }
          await attach(state, [msg.guildId]);
          msg.reply?.(state.guildIds.has(msg.guildId));
          return state;
        }
        case 'resume': {
          const output = state.output;
          if (!state.ended && msg.sequence > output.sequence) {
            msg.reply('invalid-seq');
            return state;
          }
          const missed = state.ended ? undefined : output.after(msg.sequence);
          if (!missed) {
            msg.reply('gone');
            return state;
          }
          output.transport?.close(4000, 'session resumed elsewhere');
          output.transport = undefined;
          state.epoch += 1;
          for (const item of missed) msg.transport.send(encodeDispatchFrame(item.frame, item.sequence));
          output.transport = msg.transport;
          output.write(createDispatchFrame('RESUMED', 'null'));
          msg.reply('resumed');
          return state;
        }
        case 'handoff-begin': {
          const output = state.output;
          let answer: HandoffBeginOutcome;
          if (state.ended) answer = { outcome: 'gone' };
          else if (msg.sequence > output.sequence) answer = { outcome: 'invalid-seq' };
          else if (!output.after(msg.sequence)) answer = { outcome: 'gone' };
          else answer = { outcome: 'ok', guildIds: [...state.guildIds] };
          if (answer.outcome === 'ok') {
            output.transport?.close(4000, 'session resumed elsewhere');
            output.transport = undefined;
            state.epoch += 1;
            // Should the other node never finish, the session stays resumable here for the usual window.
            const epoch = state.epoch;
            setTimeout(() => ctx.self.send({ type: 'expire', epoch }), deps.resumeWindowMs).unref();
          }
          msg.reply(answer);
          return state;
        }
        case 'handoff-finish': {
          const missed = state.ended ? undefined : state.output.after(msg.sequence);
          if (!missed) {
            msg.reply(undefined);
            end(state, 4000, 'session moved');
            return state;
          }
          msg.reply(missed.map((item) => item.frame));
          state.ended = true;
          state.output.end();
          deps.onMoved(identity.sessionId);
          return state;
        }
        case 'adopt': {
          try {
            const result = await deps.relay.attachGuilds(identity.sessionId, [...state.guildIds], { resuming: true });
            for (const guildId of result.notMember) state.guildIds.delete(guildId);
            const frames = await msg.fetch(result.attached.map((guild) => guild.guildId));
            if (!frames) {
              msg.reply(false);
              // The connection stays open for op 9.
              state.output.transport = undefined;
              end(state, 4000, 'session could not be moved');
              return state;
            }
            for (const frame of frames) deliver(state, frame);
            deliver(state, createDispatchFrame('RESUMED', 'null'));
            msg.reply(true);
          } catch (error) {
            deps.log.warn({ err: error, sessionId: identity.sessionId }, 'taking the session over from another gateway node failed');
            msg.reply(false);
            state.output.transport = undefined;
            end(state, 4000, 'session could not be moved');
          } finally {
            // The hold taken when the session was adopted: what the guilds sent meanwhile follows RESUMED.
            state.output.release();
          }
          return state;
        }
        case 'transport-closed': {
          if (state.output.transport?.id !== msg.transportId) return state;
          state.output.transport = undefined;
          state.epoch += 1;
          if (!msg.resumable) {
            end(state, 4000, 'closed');
            return state;
          }
          const epoch = state.epoch;
          setTimeout(() => ctx.self.send({ type: 'expire', epoch }), deps.resumeWindowMs).unref();
          return state;
        }
        case 'expire':
          if (msg.epoch === state.epoch && state.output.transport === undefined) end(state, 4009, 'session timed out');
          return state;
        case 'presence':
          await deps.relay.updatePresence(identity.sessionId, msg.presence);
          return state;
        case 'voice-state':
          await updateVoice(state, msg.update);
          return state;
        case 'subscriptions':
          await deps.relay.updateSubscriptions(identity.sessionId, msg.changes);
          return state;
        case 'request-members':
          await sendMembers(state, msg.request);
          return state;
        case 'guild-removed':
          state.guildIds.delete(msg.guildId);
          return state;
        case 'reconnect':
          state.output.transport?.send(controlFrame(7, null));
          state.output.transport?.close(4000, 'reconnect');
          return state;
        case 'end':
          end(state, msg.code, msg.reason);
          return state;
      }
    },
  });
}
