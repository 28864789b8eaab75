import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';
import { describe, expect, it } from 'vitest';
import { GuildRelay } from './guild-relay';
import { encodeDispatchFrame, type DispatchFrame, type LocalSession } from './local-sessions';

const GUILD = '100000000000000001';
const GENERAL = '300000000000000001';
const SECRET = '300000000000000002';
const MODS = '400000000000000001';

function session(sessionId: string, userId: string, intents: number): LocalSession & { frames: DispatchFrame[]; removed: string[] } {
  const frames: DispatchFrame[] = [];
  const removed: string[] = [];
  return { sessionId, userId, intents, allowPassive: true, largeThreshold: 0, frames, removed, deliver: (f) => frames.push(f), guildRemoved: (g) => removed.push(g) };
}

function attachment(mode: guildV1.SessionMode, viewable: string[], roles: string[] = [], sequence = '10'): guildV1.GuildAttachment {
  return { guildId: GUILD, mode, guildCreateJson: Buffer.alloc(0), movedIncomplete: false, sequence, access: { userId: '', roleIds: roles, viewableChannelIds: viewable } };
}

function filter(extra: Partial<guildV1.DispatchFilter>): guildV1.DispatchFilter {
  return { intents: 0, audience: guildV1.Audience.ACTIVE, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [], ...extra };
}

function messageItem(sequence: number, channelId: string, extra: Partial<guildV1.DispatchFilter> = {}): guildV1.DispatchItem {
  const payload = { id: `5000${sequence}`, channel_id: channelId, content: 'secret plans', embeds: [{ title: 'x' }], author: { id: '1' } };
  return {
    sequence: String(sequence),
    item: { $case: 'dispatch', dispatch: { type: 'MESSAGE_CREATE', payloadJson: Buffer.from(JSON.stringify(payload)), redactedPayloadJson: Buffer.alloc(0), filter: filter({ channelId, intents: GatewayIntentBits.GuildMessages, authorId: '1', ...extra }) } },
  };
}

function newRelay() {
  return new GuildRelay(GUILD, 'guild-a', { memberRemoved: () => undefined, guildMoved: () => undefined, sessionMoved: () => false });
}

const ALL_MSG = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

describe('GuildRelay', () => {
  it('serialises a dispatch once and hands the same frame to every matching session', () => {
    const relay = newRelay();
    const sessions = Array.from({ length: 50 }, (_, i) => session(`s${i}`, `20000000000000${1000 + i}`, ALL_MSG));
    for (const s of sessions) relay.add(s, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle(messageItem(11, GENERAL));
    expect(relay.framesBuilt).toBe(1);
    const first = sessions[0]!.frames[0]!;
    expect(sessions.every((s) => s.frames.length === 1 && s.frames[0] === first)).toBe(true);
    const wire = JSON.parse(encodeDispatchFrame(first, 7).toString()) as { op: number; s: number; t: string; d: { content: string } };
    expect(wire).toMatchObject({ op: 0, s: 7, t: 'MESSAGE_CREATE', d: { content: 'secret plans' } });
  });

  it('stops delivering to a session at its SessionMoved fence, unless the move is to this node', () => {
    const moves: string[] = [];
    const relay = new GuildRelay(GUILD, 'guild-a', {
      memberRemoved: () => undefined,
      guildMoved: () => undefined,
      sessionMoved: (_g, sessionId, toNode) => (moves.push(`${sessionId}->${toNode}`), toNode !== 'gateway-here'),
    });
    const moving = session('s1', '2001', ALL_MSG);
    const staying = session('s2', '2002', ALL_MSG);
    relay.add(moving, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.add(staying, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle(messageItem(11, GENERAL));
    // A replayed fence naming this node leaves the session here.
    relay.handle({ sequence: '12', item: { $case: 'sessionMoved', sessionMoved: { sessionId: 's2', nodeId: 'gateway-here' } } });
    relay.handle({ sequence: '13', item: { $case: 'sessionMoved', sessionMoved: { sessionId: 's1', nodeId: 'gateway-there' } } });
    relay.handle(messageItem(14, GENERAL));
    expect(moves).toEqual(['s2->gateway-here', 's1->gateway-there']);
    expect(moving.frames).toHaveLength(1);
    expect(staying.frames).toHaveLength(2);
    expect(relay.has('s1')).toBe(false);
  });

  it('filters by VIEW_CHANNEL access and follows MemberAccess updates', () => {
    const relay = newRelay();
    const member = session('s1', '2001', ALL_MSG);
    relay.add(member, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle(messageItem(11, SECRET));
    expect(member.frames).toHaveLength(0);
    relay.handle({ sequence: '12', item: { $case: 'memberAccess', memberAccess: { userId: '2001', roleIds: [MODS], viewableChannelIds: [GENERAL, SECRET] } } });
    relay.handle(messageItem(13, SECRET));
    expect(member.frames).toHaveLength(1);
  });

  it('requires the intent, and blanks content without MESSAGE_CONTENT unless author or mentioned', () => {
    const relay = newRelay();
    const noMessages = session('a', '2001', GatewayIntentBits.Guilds);
    const noContent = session('b', '2002', GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    const mentioned = session('c', '2003', GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages);
    const author = session('d', '1', GatewayIntentBits.GuildMessages);
    for (const s of [noMessages, noContent, mentioned, author]) relay.add(s, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle(messageItem(11, GENERAL, { mentionedUserIds: ['2003'] }));
    expect(noMessages.frames).toHaveLength(0);
    const redacted = JSON.parse(`{${noContent.frames[0]!.body.toString()}}`) as { d: { content: string; embeds: unknown[] } };
    expect(redacted.d).toMatchObject({ content: '', embeds: [] });
    expect(mentioned.frames[0]!.body.toString()).toContain('secret plans');
    expect(author.frames[0]!.body.toString()).toContain('secret plans');
    expect(relay.framesBuilt).toBe(2);
  });

  it('gives passive sessions guild-level events, their mentions and passive updates only', () => {
    const relay = newRelay();
    const passive = session('p', '2001', ALL_MSG);
    const active = session('a', '2002', ALL_MSG);
    relay.add(passive, attachment(guildV1.SessionMode.PASSIVE, [GENERAL], [MODS]));
    relay.add(active, attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle(messageItem(11, GENERAL));
    relay.handle(messageItem(12, GENERAL, { mentionedRoleIds: [MODS] }));
    relay.handle({ sequence: '13', item: { $case: 'dispatch', dispatch: { type: 'CHANNEL_UPDATE', payloadJson: Buffer.from('{}'), redactedPayloadJson: Buffer.alloc(0), filter: filter({ audience: guildV1.Audience.ALL, intents: GatewayIntentBits.Guilds }) } } });
    relay.handle({ sequence: '14', item: { $case: 'dispatch', dispatch: { type: 'PASSIVE_UPDATE_V1', payloadJson: Buffer.from('{}'), redactedPayloadJson: Buffer.alloc(0), filter: filter({ audience: guildV1.Audience.PASSIVE }) } } });
    expect(passive.frames.map((f) => f.type)).toEqual(['MESSAGE_CREATE', 'CHANNEL_UPDATE', 'PASSIVE_UPDATE_V1']);
    expect(active.frames.map((f) => f.type)).toEqual(['MESSAGE_CREATE', 'MESSAGE_CREATE', 'CHANNEL_UPDATE']);
    relay.handle({ sequence: '15', item: { $case: 'sessionMode', sessionMode: { sessionId: 'p', mode: guildV1.SessionMode.ACTIVE } } });
    relay.handle(messageItem(16, GENERAL));
    expect(passive.frames).toHaveLength(4);
  });

  it('skips items at or below the attach sequence, replays newer buffered ones to late attachers, and drops duplicates', () => {
    const relay = newRelay();
    const early = session('e', '2001', ALL_MSG);
    relay.add(early, attachment(guildV1.SessionMode.ACTIVE, [GENERAL], [], '10'));
    relay.handle(messageItem(11, GENERAL));
    relay.handle(messageItem(12, GENERAL));
    relay.handle(messageItem(12, GENERAL));
    const late = session('l', '2002', ALL_MSG);
    relay.add(late, attachment(guildV1.SessionMode.ACTIVE, [GENERAL], [], '11'));
    expect(early.frames).toHaveLength(2);
    expect(late.frames).toHaveLength(1);
  });

  it('honours target sessions and users', () => {
    const relay = newRelay();
    const a = session('a', '2001', 0);
    const b = session('b', '2002', 0);
    relay.add(a, attachment(guildV1.SessionMode.ACTIVE, []));
    relay.add(b, attachment(guildV1.SessionMode.PASSIVE, []));
    relay.handle({ sequence: '11', item: { $case: 'dispatch', dispatch: { type: 'VOICE_SERVER_UPDATE', payloadJson: Buffer.from('{}'), redactedPayloadJson: Buffer.alloc(0), filter: filter({ targetSessionIds: ['b'] }) } } });
    relay.handle({ sequence: '12', item: { $case: 'dispatch', dispatch: { type: 'GUILD_DELETE', payloadJson: Buffer.from('{}'), redactedPayloadJson: Buffer.alloc(0), filter: filter({ targetUserIds: ['2001'], audience: guildV1.Audience.ALL }) } } });
    expect(a.frames.map((f) => f.type)).toEqual(['GUILD_DELETE']);
    expect(b.frames.map((f) => f.type)).toEqual(['VOICE_SERVER_UPDATE']);
  });

  it('detaches removed members and reports them', () => {
    const removedReports: string[] = [];
    const relay = new GuildRelay(GUILD, 'guild-a', { memberRemoved: (_g, sessions) => removedReports.push(...sessions.map((s) => s.sessionId)), guildMoved: () => undefined, sessionMoved: () => false });
    relay.add(session('a', '2001', ALL_MSG), attachment(guildV1.SessionMode.ACTIVE, [GENERAL]));
    relay.handle({ sequence: '11', item: { $case: 'memberRemoved', memberRemoved: { userId: '2001' } } });
    expect(removedReports).toEqual(['a']);
    expect(relay.size).toBe(0);
  });
});
