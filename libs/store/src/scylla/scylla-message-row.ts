/**
 * The messages table's columns and the mapping of its rows to StoredMessage.
 */
import { dateOf } from '@chat/snowflake';
import { decodeOrigin } from '../messages/message-origin';
import type { StoredMessage } from '../messages/message-store.port';
import { boolOr, dateOrNull, idList, idText, idTextOrNull, intOr, textOrNull, type CqlRow } from './scylla-values';

/** Every column a message read selects. */
export const MESSAGE_COLUMNS = `channel_id, message_id, guild_id, author_id, content, edited_at, tts, mention_everyone,
  mention_user_ids, mention_role_ids, attachments, embeds, nonce, pinned, type, flags, ref_message_id, ref_channel_id, ref_guild_id,
  components, origin, poll`;

/** Maps one messages row. */
export function toMessage(row: CqlRow): StoredMessage {
  const id = idText(row.get('message_id'));
  const refMessage = idTextOrNull(row.get('ref_message_id'));
  return {
    id,
    channelId: idText(row.get('channel_id')),
    guildId: idTextOrNull(row.get('guild_id')),
    authorId: idText(row.get('author_id')),
    content: textOrNull(row.get('content')) ?? '',
    createdAt: dateOf(id),
    editedAt: dateOrNull(row.get('edited_at')),
    tts: boolOr(row.get('tts')),
    mentionEveryone: boolOr(row.get('mention_everyone')),
    mentionUserIds: idList(row.get('mention_user_ids')),
    mentionRoleIds: idList(row.get('mention_role_ids')),
    attachmentsJson: textOrNull(row.get('attachments')) ?? '[]',
    embedsJson: textOrNull(row.get('embeds')) ?? '[]',
    nonce: textOrNull(row.get('nonce')),
    pinned: boolOr(row.get('pinned')),
    type: intOr(row.get('type'), 0),
    flags: intOr(row.get('flags'), 0),
    reference:
      refMessage === null
        ? null
        : { messageId: refMessage, channelId: idText(row.get('ref_channel_id')), guildId: idTextOrNull(row.get('ref_guild_id')) },
    componentsJson: textOrNull(row.get('components')) ?? '[]',
    origin: decodeOrigin(row.get('origin')),
    pollJson: textOrNull(row.get('poll')),
  };
}
