import { describe, expect, it } from 'vitest';
import { routeTemplate } from './request-span';

describe('routeTemplate', () => {
  it('writes route patterns as Discord documents them, so span names stay one per route', () => {
    expect(routeTemplate('/channels/:channelId/messages')).toBe('/channels/{channel.id}/messages');
    expect(routeTemplate('/guilds/:guildId/members/:userId')).toBe('/guilds/{guild.id}/members/{user.id}');
    expect(routeTemplate('/channels/:channelId/messages/:messageId/reactions/:emoji/@me')).toBe('/channels/{channel.id}/messages/{message.id}/reactions/{emoji}/@me');
    expect(routeTemplate('/users/@me')).toBe('/users/@me');
  });
});
