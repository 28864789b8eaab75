import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GuildRelay } from './guild-relay';
import { type DispatchFrame, type LocalSession } from './local-sessions';
import { RelayMetrics, relayItem } from './relay-metrics';

const GUILD = '100000000000000001';
const GENERAL = '300000000000000001';
const SECRET = '300000000000000002';
const ALL_MSG = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent;

function session(sessionId: string, userId: string): LocalSession & { frames: DispatchFrame[] } {
  const frames: DispatchFrame[] = [];
  return { sessionId, userId, intents: ALL_MSG, allowPassive: true, largeThreshold: 0, frames, deliver: (f) => frames.push(f), guildRemoved: () => undefined };
}

function attachment(): guildV1.GuildAttachment {
  return { guildId: GUILD, mode: guildV1.SessionMode.ACTIVE, guildCreateJson: Buffer.alloc(0), movedIncomplete: false, sequence: '10', access: { userId: '', roleIds: [], viewableChannelIds: [GENERAL] } };
}

function message(sequence: number, channelId: string): guildV1.DispatchItem {
  const filter: guildV1.DispatchFilter = { intents: GatewayIntentBits.GuildMessages, audience: guildV1.Audience.ACTIVE, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [], channelId, authorId: '1' };
  const payload = Buffer.from(JSON.stringify({ id: `5000${sequence}`, channel_id: channelId, content: 'hi', author: { id: '1' } }));
  return { sequence: String(sequence), item: { $case: 'dispatch', dispatch: { type: 'MESSAGE_CREATE', payloadJson: payload, redactedPayloadJson: Buffer.alloc(0), filter } } };
}

function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('relay metrics', () => {
  it('times each dispatch and counts the sessions it was written to; duplicates and non-dispatch items are not observed', async () => {
    const registry = new Registry();
    const metrics = RelayMetrics.of(registry);
    const relay = new GuildRelay(GUILD, 'guild-a', { memberRemoved: () => undefined, guildMoved: () => undefined, sessionMoved: () => false });
    const sessions = Array.from({ length: 40 }, (_, i) => session(`s${i}`, `2000${i}`));
    for (const s of sessions) relay.add(s, attachment());

    relayItem(relay, message(11, GENERAL), metrics);
    relayItem(relay, message(11, GENERAL), metrics); // duplicate sequence
    relayItem(relay, message(12, SECRET), metrics); // nobody may view it
    relayItem(relay, { sequence: '13', item: { $case: 'sessionMode', sessionMode: { sessionId: 's0', mode: guildV1.SessionMode.ACTIVE } } }, metrics);

    expect(sessions.every((s) => s.frames.length === 1)).toBe(true);
    const text = await registry.metrics();
    expect(sampleOf(text, 'chat_gateway_fanout_seconds_count')).toBe(2);
    expect(sampleOf(text, 'chat_gateway_fanout_seconds_sum')).toBeGreaterThan(0);
    expect(sampleOf(text, 'chat_gateway_fanout_sessions_count')).toBe(2);
    expect(sampleOf(text, 'chat_gateway_fanout_sessions_sum')).toBe(40);
    expect(sampleOf(text, 'chat_gateway_fanout_sessions_bucket{le="0"}')).toBe(1);
    expect(sampleOf(text, 'chat_gateway_fanout_sessions_bucket{le="10"}')).toBe(1);
    expect(sampleOf(text, 'chat_gateway_fanout_sessions_bucket{le="50"}')).toBe(2);
  });

  it('is one set of instruments per registry, and attach wires a relay and reports its sessions', async () => {
    const registry = new Registry();
    expect(RelayMetrics.of(registry)).toBe(RelayMetrics.of(registry));
    const relay = { metrics: undefined as RelayMetrics | undefined, size: 7 };
    RelayMetrics.of(registry).attach(relay);
    expect(relay.metrics).toBe(RelayMetrics.of(registry));
    expect(sampleOf(await registry.metrics(), 'chat_gateway_relay_sessions')).toBe(7);
    relay.size = 9;
    expect(sampleOf(await registry.metrics(), 'chat_gateway_relay_sessions')).toBe(9);
  });

  it('without metrics just hands the item on', () => {
    const relay = new GuildRelay(GUILD, 'guild-a', { memberRemoved: () => undefined, guildMoved: () => undefined, sessionMoved: () => false });
    const one = session('s', '2');
    relay.add(one, attachment());
    relayItem(relay, message(11, GENERAL), undefined);
    expect(one.frames).toHaveLength(1);
    expect(relay.sessionsWritten).toBe(1);
  });
});
