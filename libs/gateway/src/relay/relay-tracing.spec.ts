import { GatewayIntentBits } from 'discord-api-types/v10';
import { guildV1 } from '@chat/proto';
import { recordSpansInMemory, withSpan, traceparentOf, type SpanRecorder } from '@chat/observability';
import { afterEach, describe, expect, it } from 'vitest';
import { GuildRelay } from './guild-relay';
import { type DispatchFrame, type LocalSession } from './local-sessions';
import { RELAY_DELIVER_SPAN } from './relay-tracing';

const GUILD = '100000000000000001';
const GENERAL = '300000000000000001';

function session(sessionId: string): LocalSession & { frames: DispatchFrame[] } {
  const frames: DispatchFrame[] = [];
  return { sessionId, userId: `2000000000000${sessionId.length}${sessionId}`, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent, allowPassive: true, largeThreshold: 0, frames, deliver: (f) => frames.push(f), guildRemoved: () => undefined };
}

function item(sequence: number, traceparent: string | undefined, channelId = GENERAL): guildV1.DispatchItem {
  const filter = { intents: GatewayIntentBits.GuildMessages, audience: guildV1.Audience.ACTIVE, channelId, mentionedUserIds: [], mentionedRoleIds: [], mentionEveryone: false, targetSessionIds: [], targetUserIds: [] };
  const payload = Buffer.from(JSON.stringify({ id: `5000${sequence}`, channel_id: channelId, content: 'hi', author: { id: '1' } }));
  return { sequence: String(sequence), item: { $case: 'dispatch', dispatch: { type: 'MESSAGE_CREATE', payloadJson: payload, redactedPayloadJson: Buffer.alloc(0), filter, ...(traceparent ? { traceparent } : {}) } } };
}

function relayWith(count: number): { relay: GuildRelay; sessions: ReturnType<typeof session>[] } {
  const relay = new GuildRelay(GUILD, 'guild-a', { memberRemoved: () => undefined, guildMoved: () => undefined, sessionMoved: () => false });
  const sessions = Array.from({ length: count }, (_, i) => session(`s${i}`));
  for (const s of sessions) relay.add(s, { guildId: GUILD, mode: guildV1.SessionMode.ACTIVE, guildCreateJson: Buffer.alloc(0), movedIncomplete: false, sequence: '10', access: { userId: s.userId, roleIds: [], viewableChannelIds: [GENERAL] } });
  return { relay, sessions };
}

describe('relay delivery spans', () => {
  let recorder: SpanRecorder | undefined;
  afterEach(async () => {
    await recorder?.shutdown();
    recorder = undefined;
  });

  it('makes ONE span per traced dispatch, child of the guild\'s span, with the number of sessions written', async () => {
    recorder = recordSpansInMemory();
    const { relay, sessions } = relayWith(5);
    const traceparent = await withSpan('guild side', {}, async () => traceparentOf());
    relay.handle(item(11, traceparent));
    expect(sessions.every((s) => s.frames.length === 1)).toBe(true);
    const [guildSide, delivery] = [recorder.spans().find((s) => s.name === 'guild side')!, recorder.spans().filter((s) => s.name === RELAY_DELIVER_SPAN)];
    expect(delivery).toHaveLength(1);
    expect(delivery[0]!.parentSpanContext?.spanId).toBe(guildSide.spanContext().spanId);
    expect(delivery[0]!.spanContext().traceId).toBe(guildSide.spanContext().traceId);
    expect(delivery[0]!.attributes).toMatchObject({ 'chat.relay.sockets_written': 5, 'chat.guild.id': GUILD, 'chat.dispatch.type': 'MESSAGE_CREATE', 'chat.dispatch.sequence': '11' });
  });

  it('counts only the sessions the filter let through, and makes no span for an untraced dispatch', async () => {
    recorder = recordSpansInMemory();
    const { relay, sessions } = relayWith(3);
    const traceparent = await withSpan('guild side', {}, async () => traceparentOf());
    relay.handle(item(11, traceparent, '300000000000000099')); // a channel nobody can view
    relay.handle(item(12, undefined));
    expect(sessions.every((s) => s.frames.length === 1)).toBe(true);
    const delivery = recorder.spans().filter((s) => s.name === RELAY_DELIVER_SPAN);
    expect(delivery.map((s) => s.attributes['chat.relay.sockets_written'])).toEqual([0]);
  });

  it('with tracing off, delivers a traced dispatch without any span', () => {
    const { relay, sessions } = relayWith(2);
    relay.handle(item(11, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'));
    expect(sessions.every((s) => s.frames.length === 1)).toBe(true);
  });
});
