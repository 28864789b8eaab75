import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { eventsV1, guildV1, loadDescriptorSet, messagesV1, serviceNames, services } from './index';

const set = fromBinary(FileDescriptorSetSchema, loadDescriptorSet());
const registry = createFileRegistry(set);

function messageDesc(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new Error(`${typeName} is not in the descriptor set`);
  return desc;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    return statSync(full).isDirectory() ? filesBelow(full) : [full];
  });
}

describe('descriptor set', () => {
  it('holds every proto file and its imports, in an order a registry accepts', () => {
    const names = set.file.map((file) => file.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'google/protobuf/timestamp.proto',
        'chat/gateway/v1/gateway.proto',
        'chat/guild/v1/guild.proto',
        'chat/messages/v1/messages.proto',
        'chat/readstates/v1/readstates.proto',
        'chat/search/v1/search.proto',
        'chat/voice/v1/voice.proto',
        'chat/events/v1/events.proto',
      ]),
    );
    expect(names).toHaveLength(8);
    // Imports come before the files that use them (what reflection clients expect).
    expect(names.indexOf('google/protobuf/timestamp.proto')).toBeLessThan(names.indexOf('chat/messages/v1/messages.proto'));
    expect(names.indexOf('chat/voice/v1/voice.proto')).toBeLessThan(names.indexOf('chat/guild/v1/guild.proto'));
  });

  it('lists the six services by their fully-qualified names', () => {
    expect([...serviceNames].sort()).toEqual([
      'chat.gateway.v1.GatewayService',
      'chat.guild.v1.GuildService',
      'chat.messages.v1.MessageService',
      'chat.readstates.v1.ReadStateService',
      'chat.search.v1.SearchService',
      'chat.voice.v1.VoiceService',
    ]);
  });

  it.each(serviceNames.map((name) => [name]))('describes %s with the methods of its generated definition', (name) => {
    const service = registry.getService(name);
    expect(service, `${name} missing from the descriptor set`).toBeDefined();
    const fromDescriptor = service!.methods
      .map((m) => ({
        path: `/${name}/${m.name}`,
        responseStream: m.methodKind === 'server_streaming' || m.methodKind === 'bidi_streaming',
        requestStream: m.methodKind === 'client_streaming' || m.methodKind === 'bidi_streaming',
      }))
      .sort((a, b) => a.path.localeCompare(b.path));
    const fromGenerated = Object.values(services[name])
      .map((m) => ({ path: m.path, responseStream: m.responseStream, requestStream: m.requestStream }))
      .sort((a, b) => a.path.localeCompare(b.path));
    expect(fromDescriptor.length).toBeGreaterThan(0);
    expect(fromDescriptor).toEqual(fromGenerated);
  });

  it('has StreamDispatches as a server stream and the RPCs the next issues need', () => {
    const guild = registry.getService('chat.guild.v1.GuildService')!;
    const stream = guild.methods.find((m) => m.name === 'StreamDispatches');
    expect(stream?.methodKind).toBe('server_streaming');
    expect(guild.methods.map((m) => m.name)).toEqual(
      expect.arrayContaining(['AttachSession', 'DetachSession', 'PublishEvent', 'UpdatePresence', 'UpdateGuildSubscriptions']),
    );
    const messages = registry.getService('chat.messages.v1.MessageService')!.methods.map((m) => m.name);
    expect(messages).toEqual(
      expect.arrayContaining(['CreateMessage', 'GetMessage', 'GetHistory', 'EditMessage', 'DeleteMessage', 'BulkDeleteMessages']),
    );
  });
});

describe('generated messages', () => {
  it('round-trip a message with 64-bit snowflake ids unchanged', () => {
    const message: messagesV1.Message = {
      ...messagesV1.Message.create(),
      id: '1234567890123456789',
      channelId: '18446744073709551615',
      guildId: '9007199254740993', // above 2^53: a JS number would round it
      authorId: '1000000000000000001',
      content: 'hello <@1000000000000000002>',
      timestamp: new Date('2025-01-02T03:04:05.678Z'),
      mentionUserIds: ['1000000000000000002'],
      attachmentsJson: Buffer.from('[]'),
      messageReference: { messageId: '1234567890123456788', channelId: '18446744073709551615', guildId: '9007199254740993' },
    };
    const decoded = messagesV1.Message.decode(messagesV1.Message.encode(message).finish());
    expect(decoded).toEqual(message);
    expect(decoded.id).toBe('1234567890123456789');
  });

  it('keep uint64 fields as exact decimal strings (forceLong=string), readable by another protobuf runtime', () => {
    const item: guildV1.DispatchItem = {
      sequence: '18446744073709551615',
      item: {
        $case: 'dispatch',
        dispatch: {
          type: 'MESSAGE_CREATE',
          payloadJson: Buffer.from('{"id":"1234567890123456789"}'),
          redactedPayloadJson: Buffer.alloc(0),
          filter: { ...guildV1.DispatchFilter.create(), channelId: '1234567890123456789', intents: 1 << 9, audience: guildV1.Audience.ACTIVE },
        },
      },
    };
    const bytes = guildV1.DispatchItem.encode(item).finish();
    const decoded = guildV1.DispatchItem.decode(bytes);
    expect(decoded).toEqual(item);
    expect(typeof decoded.sequence).toBe('string');

    // The same bytes through @bufbuild/protobuf and the descriptor set: the wire is standard.
    const reflected = fromBinary(messageDesc('chat.guild.v1.DispatchItem'), bytes) as unknown as {
      sequence: bigint;
      item: { case: string; value: { type: string; filter: { channelId: string } } };
    };
    expect(reflected.sequence).toBe(18446744073709551615n);
    expect(reflected.item.case).toBe('dispatch');
    expect(reflected.item.value.filter.channelId).toBe('1234567890123456789');
  });

  it('round-trip a bus envelope with its oneof, timestamp and trace context', () => {
    const envelope: eventsV1.Envelope = {
      eventId: '1234567890123456789',
      occurredAt: new Date('2025-01-02T03:04:05.678Z'),
      traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      event: {
        $case: 'messageDeleted',
        messageDeleted: {
          messageId: '1234567890123456789',
          channelId: '1234567890123456000',
          authorId: '1',
          recipientUserIds: ['2', '3'],
        },
      },
    };
    expect(eventsV1.Envelope.decode(eventsV1.Envelope.encode(envelope).finish())).toEqual(envelope);
  });
});

describe('generated files', () => {
  it('all carry the "DO NOT EDIT" header', () => {
    const genDir = fileURLToPath(new URL('./gen', import.meta.url));
    const files = filesBelow(genDir);
    expect(files.length).toBe(8);
    for (const file of files) {
      expect(readFileSync(file, 'utf8').startsWith('// Code generated by protoc-gen-ts_proto. DO NOT EDIT.'), file).toBe(true);
    }
  });

  it('loadDescriptorSet returns a fresh buffer each call', () => {
    const first = loadDescriptorSet();
    first.fill(0);
    expect(loadDescriptorSet().equals(first)).toBe(false);
  });
});
