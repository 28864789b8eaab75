import { GatewayIntentBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { admitMemberRequest } from './member-request-rules';
import type { MemberRequest } from './session.messages';

const GUILD = '200000000000000001';
const request = (over: Partial<MemberRequest> = {}): MemberRequest => ({ guildId: GUILD, query: '', limit: 0, userIds: [], presences: false, nonce: 'n', ...over });
const member = (intents: number) => ({ guildIds: new Set([GUILD]), intents });

describe('admitMemberRequest (op 8)', () => {
  it('answers nothing for a guild the session is not in, whatever its intents and the request', () => {
    const outsider = { guildIds: new Set(['999']), intents: GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences };
    expect(admitMemberRequest(request(), outsider)).toBeUndefined();
    expect(admitMemberRequest(request({ query: 'a', limit: 10 }), outsider)).toBeUndefined();
    expect(admitMemberRequest(request({ userIds: ['1'] }), outsider)).toBeUndefined();
  });

  it('needs GUILD_MEMBERS for the whole list (empty query, no user_ids), at any limit', () => {
    expect(admitMemberRequest(request(), member(GatewayIntentBits.Guilds))).toBeUndefined();
    expect(admitMemberRequest(request({ limit: 5 }), member(GatewayIntentBits.Guilds))).toBeUndefined();
    expect(admitMemberRequest(request(), member(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers))).toEqual(request());
  });

  it('answers a query or user_ids without GUILD_MEMBERS', () => {
    expect(admitMemberRequest(request({ query: 'al', limit: 10 }), member(GatewayIntentBits.Guilds))).toEqual(request({ query: 'al', limit: 10 }));
    expect(admitMemberRequest(request({ userIds: ['1', '2'] }), member(0))).toEqual(request({ userIds: ['1', '2'] }));
  });

  it('drops presences without GUILD_PRESENCES and keeps them with it', () => {
    expect(admitMemberRequest(request({ query: 'a', presences: true }), member(0))?.presences).toBe(false);
    expect(admitMemberRequest(request({ query: 'a', presences: true }), member(GatewayIntentBits.GuildPresences))?.presences).toBe(true);
  });
});
