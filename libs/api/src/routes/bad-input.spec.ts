import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guildFixture, type GuildFixture } from '../testing/guild-fixture';
import { startRestHarness, type RestHarness } from '../testing/rest-harness';
import { allRoutes } from './all.routes';

/** Bodies and ids a careless or hostile client sends. */
const BODIES: unknown[] = [null, [], 'text', 42, { name: 5, content: {}, recipient_id: 'x', messages: 'all', permissions: '-1', type: 'role', limit: 1e9 }, { nonce: 'x'.repeat(100), embeds: 'no' }];

describe('bad input never gets a 500', () => {
  let api: RestHarness;
  let fx: GuildFixture;
  beforeAll(async () => {
    api = await startRestHarness();
    fx = await guildFixture(api);
  });
  afterAll(async () => {
    await api.close();
  });

  it('every route answers malformed bodies and ids with a 4xx Discord error', async () => {
    const substitutions: Record<string, string[]> = {
      guildId: [fx.guildId, 'abc', '99999999999999999999'],
      channelId: [fx.channelId, '-1'],
      userId: [fx.member.id, '0'],
      roleId: [fx.guildId, 'x'],
      messageId: ['1', 'zz'],
      overwriteId: [fx.member.id, '%20'],
      applicationId: ['1', 'y'],
      code: ['!!', 'a'.repeat(40)],
    };
    let calls = 0;
    for (const [method, pattern] of allRoutes()) {
      // DELETEs run with bad ids only, so the guild and channel stay for the routes after them.
      for (const variant of method === 'DELETE' ? [1] : [0, 1]) {
        const path = pattern.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(substitutions[name]?.[variant] ?? 'x'));
        for (const body of method === 'GET' || method === 'DELETE' ? [undefined] : BODIES) {
          const response = await api.call(method, `${path}?limit=abc&after=-5&around=x&client_id=1`, { token: fx.owner.token, body });
          calls += 1;
          expect(response.status, `${method} ${path} ${JSON.stringify(body)} -> ${JSON.stringify(response.body)}`).toBeLessThan(500);
          if (response.status >= 400) expect(typeof response.body.code).toBe('number');
        }
      }
    }
    expect(calls).toBeGreaterThan(200);
    expect((await api.call('GET', `/channels/${fx.channelId}`, { token: fx.owner.token })).status).toBe(200);
  });
});
