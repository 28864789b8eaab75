/**
 * What every way of posting a message takes (a user's or bot's POST, an
 * interaction response, a follow-up, a webhook execution): the body fields
 * and the resolution of mentions against what the poster may do.
 */
import { hasPermission, Permission } from '@chat/permissions';
import type { StoredUser } from '@chat/store';
import { z } from 'zod';
import type { ChannelAccess } from '../access';
import { attachmentsField } from '../attachments/attachment-schema';
import { messageComponentsSchema } from '../components/component-schema';
import { pollRequest } from '../polls/poll-schema';
import { parseMentions, type AllowedMentions } from '../mentions';
import type { ResolvedDeps } from '../route-context';

/** Longest message content. */
export const MAX_CONTENT = 2000;
/** SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS: the flags any poster may set. */
export const CLIENT_FLAGS = (1 << 2) | (1 << 12);
/** EPHEMERAL: only the user who invoked an interaction sees the message. */
export const EPHEMERAL = 1 << 6;
/** LOADING: a deferred response still "thinking". */
export const LOADING = 1 << 7;

/** Discord's allowed_mentions object. */
export const allowedMentionsBody = z.object({
  parse: z.array(z.enum(['users', 'roles', 'everyone'])).optional(),
  users: z.array(z.string().regex(/^\d{1,20}$/)).max(100).optional(),
  roles: z.array(z.string().regex(/^\d{1,20}$/)).max(100).optional(),
  replied_user: z.boolean().optional(),
});

/** The fields of a new message shared by every way of posting one. */
export const messageBodyFields = {
  content: z.string().max(MAX_CONTENT).optional(),
  tts: z.boolean().optional(),
  embeds: z.array(z.record(z.string(), z.unknown())).max(10).optional(),
  allowed_mentions: allowedMentionsBody.optional(),
  flags: z.number().int().min(0).optional(),
  components: messageComponentsSchema.optional(),
  attachments: attachmentsField.optional(),
  poll: pollRequest.optional(),
};

/** The same fields for an edit, where null clears. */
export const messageEditFields = {
  content: z.string().max(MAX_CONTENT).nullable().optional(),
  embeds: z.array(z.record(z.string(), z.unknown())).max(10).nullable().optional(),
  allowed_mentions: allowedMentionsBody.nullable().optional(),
  flags: z.number().int().min(0).nullable().optional(),
  components: messageComponentsSchema.nullable().optional(),
  /** The attachments to keep (null: none); new files are added either way. */
  attachments: attachmentsField.nullish(),
};

/** Mentions that take effect. */
export interface ResolvedMentions {
  everyone: boolean;
  userIds: string[];
  roleIds: string[];
  /** The mentioned users, as read to check they exist. */
  users: StoredUser[];
}

/** Users that exist, roles that are mentionable (or the poster may mention all), @everyone with MENTION_EVERYONE. */
export async function resolveMentions(deps: ResolvedDeps, access: ChannelAccess, content: string, allowed: AllowedMentions | undefined): Promise<ResolvedMentions> {
  const parsed = parseMentions(content, allowed);
  const users = parsed.userIds.length > 0 ? await deps.store.users.getUsers(parsed.userIds) : [];
  const mayMentionAll = hasPermission(access.permissions, Permission.MENTION_EVERYONE);
  const roles = access.guild
    ? access.guild.roles.filter((role) => role.id !== access.guild?.guild.id && parsed.roleIds.includes(role.id) && (role.mentionable || mayMentionAll)).map((role) => role.id)
    : [];
  return { everyone: parsed.everyone && mayMentionAll && access.guild !== undefined, userIds: users.map((u) => u.id), roleIds: roles, users };
}
