import { messagesV1 } from '@chat/proto';
import { snowflakeFromTimestamp } from '@chat/snowflake';
import { describe, expect, it } from 'vitest';
import { ContentTooLongError, EmptyMessageError, InvalidFieldError } from './errors';
import { characterCount, snowflakeField, validateBulkDelete, validateCreate, validateEdit, validateHistory } from './message-validation';

const CHANNEL = '1200000000000000001';
const AUTHOR = '1100000000000000001';

describe('message validation', () => {
  it('counts characters as Unicode code points', () => {
    expect(characterCount('abc')).toBe(3);
    expect(characterCount('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(characterCount('e\u0301')).toBe(2);
  });

  it('accepts exactly 2000 characters and refuses 2001, naming content', () => {
    const ok = validateCreate(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, authorId: AUTHOR, content: '😀'.repeat(2000) }));
    expect(ok.message.content).toHaveLength(4000);
    const error = (() => {
      try {
        validateCreate(messagesV1.CreateMessageRequest.fromPartial({ channelId: CHANNEL, authorId: AUTHOR, content: 'a'.repeat(1999) + '😀😀' }));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ContentTooLongError);
    expect((error as ContentTooLongError).field).toBe('content');
    expect(() => validateEdit(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: CHANNEL, content: 'x'.repeat(2001) }))).toThrow(ContentTooLongError);
  });

  it('refuses empty and whitespace-only messages unless they carry attachments or embeds', () => {
    const base = { channelId: CHANNEL, authorId: AUTHOR };
    expect(() => validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: ' \t' }))).toThrow(EmptyMessageError);
    expect(() => validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: '', embedsJson: Buffer.from('[]') }))).toThrow(EmptyMessageError);
    expect(validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: '', attachmentsJson: Buffer.from('[{"id":"1"}]') })).message.attachmentsJson).toBe('[{"id":"1"}]');
  });

  it('takes a poll as a JSON object on create and edit; a poll alone is not an empty message', () => {
    const base = { channelId: CHANNEL, authorId: AUTHOR };
    const poll = '{"question":{"text":"Lunch?"},"answers":[{"poll_media":{"text":"Pizza"}}],"expiry":null,"allow_multiselect":false,"layout_type":1}';
    expect(validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: '', pollJson: Buffer.from(poll) })).message.pollJson).toBe(poll);
    expect(validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: 'x' })).message.pollJson).toBeNull();
    for (const bad of ['', '[]', '[{"question":{}}]', 'null', '"poll"', '{"question":']) {
      expect(() => validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, content: 'x', pollJson: Buffer.from(bad) }))).toThrow('poll_json: must be a JSON object');
      expect(() => validateEdit(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: CHANNEL, pollJson: Buffer.from(bad) }))).toThrow(InvalidFieldError);
    }
    expect(validateEdit(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: CHANNEL, pollJson: Buffer.from(poll) })).patch).toEqual({ pollJson: poll });
    expect(validateEdit(messagesV1.EditMessageRequest.fromPartial({ channelId: CHANNEL, messageId: CHANNEL, content: 'x' })).patch).not.toHaveProperty('pollJson');
  });

  it('checks snowflakes: canonical, non-zero, below 2^63', () => {
    expect(snowflakeField('channel_id', CHANNEL)).toBe(CHANNEL);
    for (const bad of ['', 'abc', '-1', '01', '0', '9223372036854775808', '1.5']) expect(() => snowflakeField('channel_id', bad)).toThrow(InvalidFieldError);
    expect(snowflakeField('x', '9223372036854775807')).toBe('9223372036854775807');
  });

  it('needs a limit of 1..100 and reads the anchor', () => {
    expect(() => validateHistory({ channelId: CHANNEL, limit: 0, anchor: undefined })).toThrow('limit: must be between 1 and 100, got 0');
    expect(() => validateHistory({ channelId: CHANNEL, limit: 101, anchor: undefined })).toThrow('limit');
    expect(validateHistory({ channelId: CHANNEL, limit: 100, anchor: { $case: 'around', around: CHANNEL } })).toEqual({ channelId: CHANNEL, limit: 100, around: CHANNEL });
  });

  it('bulk delete: 2..100 distinct ids, none older than 14 days', () => {
    const now = Date.now();
    const fresh = (ms: number) => snowflakeFromTimestamp(now - ms);
    expect(validateBulkDelete({ channelId: CHANNEL, messageIds: [fresh(1000), fresh(2000)] }, now).messageIds).toHaveLength(2);
    expect(() => validateBulkDelete({ channelId: CHANNEL, messageIds: [fresh(1000)] }, now)).toThrow('message_ids: needs 2 to 100 ids');
    expect(() => validateBulkDelete({ channelId: CHANNEL, messageIds: [fresh(1000), fresh(1000)] }, now)).toThrow('must not repeat');
    expect(() => validateBulkDelete({ channelId: CHANNEL, messageIds: [fresh(1000), fresh(15 * 86_400_000)] }, now)).toThrow('message_ids[1]: is older than 14 days');
  });

  it('refuses a nonce over 25 characters and enforce_nonce without a nonce', () => {
    const base = { channelId: CHANNEL, authorId: AUTHOR, content: 'x' };
    expect(() => validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, nonce: 'n'.repeat(26) }))).toThrow('nonce');
    expect(() => validateCreate(messagesV1.CreateMessageRequest.fromPartial({ ...base, enforceNonce: true }))).toThrow('nonce: is required');
  });
});
