/**
 * Pins: Discord's current routes (`/channels/{id}/messages/pins`, paged by
 * pin time) and the legacy ones (`/channels/{id}/pins`). Pinning sets the
 * message's flag (not an edit), records the pin time, moves the channel's
 * last_pin_timestamp, posts the "pinned a message" system message (type 6)
 * and sends CHANNEL_PINS_UPDATE; at most 250 pins a channel.
 */
import { hasPermission, Permission } from '@chat/permissions';
import type { StoredMessage } from '@chat/store';
import { loadTextChannel, type ChannelAccess } from '../access';
import { DiscordErrors, invalidFormBody, treeFor } from '../errors';
import { postSystemMessage } from '../messages/system-messages';
import { MAX_PINS, PinRecords, type Pin } from '../pins/pin-records';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition } from '../route-context';
import { noContent, ok } from '../route-context';
import { intQuery, snowflakeParam } from '../validation';
import { messageJsonWithMember, messagesJson, publishChannelEvent, publishMessageEvent } from './message-json';

/** Discord's type 6: "<user> pinned a message to this channel." */
const CHANNEL_PINNED_MESSAGE = 6;

/** The channel and message a pin route acts on; pinning takes MANAGE_MESSAGES or PIN_MESSAGES in a guild. */
async function target(deps: ResolvedDeps, caller: Caller, channelId: string | undefined, messageId: string | undefined): Promise<{ access: ChannelAccess; message: StoredMessage }> {
  const access = await loadTextChannel(deps.store.guilds, channelId, caller.user.id);
  if (access.guild && !hasPermission(access.permissions, Permission.MANAGE_MESSAGES) && !hasPermission(access.permissions, Permission.PIN_MESSAGES)) throw DiscordErrors.missingPermissions();
  const message = await deps.messages.get(access.channel.id, snowflakeParam(messageId, 'message_id'));
  if (!message) throw DiscordErrors.unknownMessage();
  return { access, message };
}

const recipientsOf = (access: ChannelAccess) => (access.channel.guildId === null ? access.channel.recipientIds : []);

async function announcePins(deps: ResolvedDeps, access: ChannelAccess, lastPin: Pin | undefined): Promise<void> {
  const lastPinTimestamp = lastPin ? new Date(lastPin.pinnedAt) : null;
  await deps.store.guilds.updateChannel(access.channel.id, { lastPinTimestamp });
  await publishChannelEvent(deps, access, 'CHANNEL_PINS_UPDATE', {
    ...(access.channel.guildId ? { guild_id: access.channel.guildId } : {}),
    channel_id: access.channel.id,
    last_pin_timestamp: lastPinTimestamp ? lastPinTimestamp.toISOString() : null,
  });
}

async function pin(deps: ResolvedDeps, caller: Caller, channelId: string | undefined, messageId: string | undefined): Promise<void> {
  const { access, message } = await target(deps, caller, channelId, messageId);
  const pins = new PinRecords(deps.store.records);
  const current = await pins.list(access.channel.id);
  if (current.some((p) => p.messageId === message.id)) return;
  if (current.length >= MAX_PINS) throw DiscordErrors.maxPins();
  const pinnedAt = deps.clock();
  await pins.add(access.channel.id, message.id, pinnedAt);
  const updated = await deps.messages.edit(access.channel.id, message.id, { pinned: true, recipientUserIds: recipientsOf(access) });
  await publishMessageEvent(deps, access, 'MESSAGE_UPDATE', updated, await messageJsonWithMember(deps, updated));
  await announcePins(deps, access, { messageId: message.id, pinnedAt });
  await postSystemMessage(deps, access, message, { type: CHANNEL_PINNED_MESSAGE, authorId: caller.user.id });
}

async function unpin(deps: ResolvedDeps, caller: Caller, channelId: string | undefined, messageId: string | undefined): Promise<void> {
  const { access, message } = await target(deps, caller, channelId, messageId);
  const pins = new PinRecords(deps.store.records);
  if (!(await pins.remove(access.channel.id, message.id))) return;
  const updated = await deps.messages.edit(access.channel.id, message.id, { pinned: false, recipientUserIds: recipientsOf(access) });
  await publishMessageEvent(deps, access, 'MESSAGE_UPDATE', updated, await messageJsonWithMember(deps, updated));
  await announcePins(deps, access, (await pins.list(access.channel.id))[0]);
}

/** The pinned messages still there, most recently pinned first (a pin whose message is gone is dropped from the list). */
async function pinnedMessages(deps: ResolvedDeps, access: ChannelAccess, pins: readonly Pin[]): Promise<{ pin: Pin; message: StoredMessage }[]> {
  const found = await Promise.all(pins.map(async (p) => ({ pin: p, message: await deps.messages.get(access.channel.id, p.messageId) })));
  const gone = found.filter((f) => !f.message);
  if (gone.length > 0) await Promise.all(gone.map((f) => new PinRecords(deps.store.records).remove(access.channel.id, f.pin.messageId)));
  return found.filter((f): f is { pin: Pin; message: StoredMessage } => f.message !== undefined);
}

/** The pin routes. */
export function pinRoutes(): [HttpMethod, string, RouteDefinition][] {
  const write = (bucket: string, act: typeof pin): RouteDefinition => ({
    auth: 'required',
    bucket,
    major: 'channelId',
    handler: async ({ deps, caller, params }) => {
      await act(deps, caller, params.channelId, params.messageId);
      return noContent();
    },
  });
  return [
    ['PUT', '/channels/:channelId/messages/pins/:messageId', write('pins.put', pin)],
    ['DELETE', '/channels/:channelId/messages/pins/:messageId', write('pins.delete', unpin)],
    ['PUT', '/channels/:channelId/pins/:messageId', write('pins.put', pin)],
    ['DELETE', '/channels/:channelId/pins/:messageId', write('pins.delete', unpin)],
    [
      'GET',
      '/channels/:channelId/messages/pins',
      {
        auth: 'required',
        bucket: 'pins.list',
        major: 'channelId',
        handler: async ({ deps, caller, params, query }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          if (!hasPermission(access.permissions, Permission.READ_MESSAGE_HISTORY)) return ok({ items: [], has_more: false });
          const limit = intQuery(query, 'limit', 1, 50, 50);
          const beforeText = query.get('before');
          const before = beforeText === null ? Number.POSITIVE_INFINITY : Date.parse(beforeText);
          if (Number.isNaN(before)) throw invalidFormBody(treeFor(['before'], { code: 'DATE_TYPE_PARSE', message: `Could not parse ${beforeText}. Should be ISO8601.` }));
          const older = (await new PinRecords(deps.store.records).list(access.channel.id)).filter((p) => p.pinnedAt < before);
          const page = await pinnedMessages(deps, access, older.slice(0, limit));
          const json = await messagesJson(deps, page.map((p) => p.message), caller.user.id);
          return ok({ items: page.map((p, i) => ({ pinned_at: new Date(p.pin.pinnedAt).toISOString(), message: json[i] })), has_more: older.length > limit });
        },
      },
    ],
    [
      'GET',
      '/channels/:channelId/pins',
      {
        auth: 'required',
        bucket: 'pins.list',
        major: 'channelId',
        handler: async ({ deps, caller, params }) => {
          const access = await loadTextChannel(deps.store.guilds, params.channelId, caller.user.id);
          if (!hasPermission(access.permissions, Permission.READ_MESSAGE_HISTORY)) return ok([]);
          const page = await pinnedMessages(deps, access, await new PinRecords(deps.store.records).list(access.channel.id));
          return ok(await messagesJson(deps, page.map((p) => p.message), caller.user.id));
        },
      },
    ],
  ];
}
