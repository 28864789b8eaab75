import { describe, expect, it } from 'vitest';
import { ChatError, InvalidArgumentError, NotFoundError, errorKindOf } from './errors';

class UnknownChannelError extends NotFoundError {}

describe('errors', () => {
  it('keeps kind, name, details and cause through subclassing', () => {
    const cause = new Error('row missing');
    const error = new UnknownChannelError('Unknown Channel', { cause, details: { channelId: '1' } });
    expect(error).toBeInstanceOf(ChatError);
    expect(error.kind).toBe('not_found');
    expect(error.name).toBe('UnknownChannelError');
    expect(error.details).toEqual({ channelId: '1' });
    expect(error.cause).toBe(cause);
  });

  it('calls anything that is not ours internal', () => {
    expect(errorKindOf(new TypeError('x'))).toBe('internal');
    expect(errorKindOf('a string')).toBe('internal');
    expect(errorKindOf(new InvalidArgumentError('bad'))).toBe('invalid');
  });
});
