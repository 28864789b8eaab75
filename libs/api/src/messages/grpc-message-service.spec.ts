import { RemoteCallError } from '@chat/rpc';
import { messagesV1 } from '@chat/proto';
import { describe, expect, it } from 'vitest';
import { grpcMessageService, type MessagesRpc } from './grpc-message-service';

function protoMessage(overrides: Partial<messagesV1.Message> = {}): messagesV1.Message {
  return { ...messagesV1.Message.fromPartial({ id: '175928847299117063', channelId: '41771983423143937', authorId: '80351110224678912', content: 'hi' }), ...overrides };
}

describe('grpcMessageService', () => {
  it('maps requests to the proto shape and answers in the store shape', async () => {
    const calls: Record<string, unknown[]> = {};
    const rpc: MessagesRpc = {
      createMessage: async (request) => {
        (calls.create ??= []).push(request);
        return { message: protoMessage({ nonce: request.nonce, guildId: '1', embedsJson: Buffer.from('[{"title":"t"}]') }), deduplicated: false };
      },
      getMessage: async () => {
        throw new RemoteCallError('not_found', '/chat.messages.v1.MessageService/GetMessage', 5, 'unknown message');
      },
      getHistory: async (request) => {
        (calls.history ??= []).push(request);
        return { messages: [protoMessage()] };
      },
      editMessage: async () => ({ message: protoMessage({ editedTimestamp: new Date('2026-01-01T00:00:00Z') }) }),
      deleteMessage: async () => ({ message: protoMessage() }),
      bulkDeleteMessages: async (request) => ({ deletedMessageIds: request.messageIds.slice(0, 1) }),
    };
    const service = grpcMessageService(rpc);
    const created = await service.create({
      channelId: '41771983423143937',
      guildId: '1',
      authorId: '80351110224678912',
      content: 'hi',
      tts: false,
      nonce: 'abc',
      enforceNonce: true,
      mentionEveryone: false,
      mentionUserIds: [],
      mentionRoleIds: [],
      embedsJson: '[]',
      attachmentsJson: '[]',
      type: 0,
      flags: 0,
      reference: null,
      recipientUserIds: [],
    });
    expect(calls.create?.[0]).toMatchObject({ guildId: '1', nonce: 'abc', enforceNonce: true });
    expect((calls.create?.[0] as { embedsJson: Buffer }).embedsJson.length).toBe(0);
    expect(created).toMatchObject({ id: '175928847299117063', guildId: '1', nonce: 'abc', embedsJson: '[{"title":"t"}]', attachmentsJson: '[]', reference: null, editedAt: null });
    expect(created.createdAt.getTime()).toBeGreaterThan(Date.UTC(2015, 0, 1));
    expect(await service.get('41771983423143937', '1')).toBeUndefined();
    await service.history({ channelId: '41771983423143937', limit: 10, around: '5' });
    expect(calls.history?.[0]).toEqual({ channelId: '41771983423143937', limit: 10, anchor: { $case: 'around', around: '5' } });
    expect((await service.edit('1', '2', { content: 'x', recipientUserIds: [] })).editedAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(await service.bulkDelete('1', ['2', '3'])).toEqual(['2']);
  });

  it('carries a poll both ways: set only when there is one, null when the answer has none', async () => {
    const poll = '{"question":{"text":"Lunch?"},"answers":[{"answer_id":1,"poll_media":{"text":"Pizza 🍕"}}],"expiry":null,"allow_multiselect":false,"layout_type":1}';
    const requests: { create: messagesV1.CreateMessageRequest[]; edit: messagesV1.EditMessageRequest[] } = { create: [], edit: [] };
    const rpc: MessagesRpc = {
      createMessage: async (request) => {
        requests.create.push(messagesV1.CreateMessageRequest.fromPartial(request));
        return { message: protoMessage(request.pollJson ? { pollJson: request.pollJson } : {}), deduplicated: false };
      },
      getMessage: async () => ({ message: protoMessage({ pollJson: Buffer.from(poll) }) }),
      getHistory: async () => ({ messages: [protoMessage(), protoMessage({ pollJson: Buffer.from(poll) })] }),
      editMessage: async (request) => {
        requests.edit.push(messagesV1.EditMessageRequest.fromPartial(request));
        return { message: protoMessage(request.pollJson ? { pollJson: request.pollJson } : {}) };
      },
      deleteMessage: async () => ({ message: protoMessage() }),
      bulkDeleteMessages: async () => ({ deletedMessageIds: [] }),
    };
    const service = grpcMessageService(rpc);
    const input = { channelId: '41771983423143937', guildId: null, authorId: '80351110224678912', content: '', tts: false, nonce: '', enforceNonce: false, mentionEveryone: false, mentionUserIds: [], mentionRoleIds: [], embedsJson: '[]', attachmentsJson: '[]', type: 0, flags: 0, reference: null, recipientUserIds: [] };
    expect((await service.create({ ...input, pollJson: poll })).pollJson).toBe(poll);
    expect(requests.create[0]?.pollJson?.toString('utf8')).toBe(poll);
    expect((await service.create({ ...input, content: 'no poll', pollJson: null })).pollJson).toBeNull();
    expect((await service.create({ ...input, content: 'no poll' })).pollJson).toBeNull();
    expect(requests.create.slice(1).map((request) => request.pollJson)).toEqual([undefined, undefined]);
    expect((await service.get('1', '2'))?.pollJson).toBe(poll);
    expect((await service.history({ channelId: '1', limit: 2 })).map((message) => message.pollJson)).toEqual([null, poll]);
    expect((await service.edit('1', '2', { pollJson: poll, recipientUserIds: [] })).pollJson).toBe(poll);
    expect(requests.edit[0]?.pollJson?.toString('utf8')).toBe(poll);
    await service.edit('1', '2', { content: 'x', recipientUserIds: [] });
    expect(requests.edit[1]?.pollJson).toBeUndefined();
  });
});
