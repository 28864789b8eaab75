import { decodeEnvelope } from '@chat/bus';
import { describe, expect, it } from 'vitest';
import { hasKindsOf, operationsOf } from './message-documents';
import { bulkDeleted, created, deleted, testMessage, updated } from './test-events';

describe('operationsOf', () => {
  it('indexes a guild message once, in its guild scope, versioned by its time', () => {
    const message = testMessage({ id: '100', channelId: '10', guildId: '5', content: 'hi https://x.io', mentionUserIds: ['7'] });
    expect(operationsOf(decodeEnvelope(created(message)))).toEqual([
      { kind: 'upsert', document: { scope: 'g:5', messageId: '100', channelId: '10', guildId: '5', authorId: '1', content: 'hi https://x.io', mentionUserIds: ['7'], has: ['link'], version: 1_700_000_000_000 } },
    ]);
  });

  it('indexes a DM under every participant, an edit with its edit time', () => {
    const message = testMessage({ id: '101', channelId: '20', content: 'psst', editedAt: 1_700_000_005_000 });
    const operations = operationsOf(decodeEnvelope(updated(message, ['1', '2', '2'])));
    expect(operations.map((op) => (op.kind === 'upsert' ? [op.document.scope, op.document.version, op.document.guildId] : []))).toEqual([
      ['u:1', 1_700_000_005_000, undefined],
      ['u:2', 1_700_000_005_000, undefined],
    ]);
  });

  it('deletes in every scope the message was indexed in', () => {
    const dm = testMessage({ id: '102', channelId: '20', content: 'x' });
    expect(operationsOf(decodeEnvelope(deleted(dm, ['1', '2'])))).toEqual([
      { kind: 'delete', ref: { scope: 'u:1', messageId: '102', channelId: '20' } },
      { kind: 'delete', ref: { scope: 'u:2', messageId: '102', channelId: '20' } },
    ]);
    expect(operationsOf(decodeEnvelope(bulkDeleted('10', '5', ['1', '2'])))).toEqual([
      { kind: 'delete', ref: { scope: 'g:5', messageId: '1', channelId: '10' } },
      { kind: 'delete', ref: { scope: 'g:5', messageId: '2', channelId: '10' } },
    ]);
  });

  it('derives has from content, attachments and embeds', () => {
    const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
    expect(hasKindsOf({ content: 'plain', attachmentsJson: Buffer.alloc(0), embedsJson: Buffer.alloc(0) })).toEqual([]);
    expect(hasKindsOf({ content: 'see http://a.b/c', attachmentsJson: bytes([{ content_type: 'image/png' }, { content_type: 'audio/ogg' }]), embedsJson: bytes([{ type: 'video' }]) }).sort()).toEqual(
      ['embed', 'file', 'image', 'link', 'sound', 'video'],
    );
  });
});
