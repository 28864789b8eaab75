import { InvalidArgumentError } from '@chat/errors';
import { describe, expect, it } from 'vitest';
import { InvalidMemberListError, parseMemberList } from './member-list';

describe('parseMemberList', () => {
  it('reads id=host:port entries and ignores blanks', () => {
    expect(parseMemberList(' a=10.0.0.1:50051, b=host-b:1,, ', 'CHAT_X')).toEqual([
      { id: 'a', address: '10.0.0.1:50051' },
      { id: 'b', address: 'host-b:1' },
    ]);
    expect(parseMemberList('', 'CHAT_X')).toEqual([]);
  });

  it.each(['a@host:1', 'a=host', '=host:1', 'a b=host:1'])('refuses %j naming the source', (entry) => {
    let caught: unknown;
    try {
      parseMemberList(`ok=h:1,${entry}`, 'CHAT_GUILD_NODES');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidMemberListError);
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidMemberListError).entry).toBe(entry);
    expect((caught as Error).message).toContain('CHAT_GUILD_NODES');
  });
});
