/** A message the caller may read: the channel is visible to them and they have READ_MESSAGE_HISTORY. */
import { Permission } from '@chat/permissions';
import type { StoredMessage } from '@chat/store';
import { loadTextChannel, requirePermission, type ChannelAccess } from '../access';
import { DiscordErrors } from '../errors';
import type { ResolvedDeps } from '../route-context';
import { snowflakeParam } from '../validation';

/** A channel the caller reads and one of its messages. */
export interface ReadableMessage {
  access: ChannelAccess;
  message: StoredMessage;
}

/** Loads it; 50001 for a channel the caller cannot see, 50013 without READ_MESSAGE_HISTORY, 10008 for no such message. */
export async function loadReadableMessage(deps: ResolvedDeps, callerId: string, channelId: string | undefined, messageId: string | undefined): Promise<ReadableMessage> {
  const access = await loadTextChannel(deps.store.guilds, channelId, callerId);
  requirePermission(access.permissions, Permission.READ_MESSAGE_HISTORY);
  const message = await deps.messages.get(access.channel.id, snowflakeParam(messageId, 'message_id'));
  if (!message) throw DiscordErrors.unknownMessage();
  return { access, message };
}
