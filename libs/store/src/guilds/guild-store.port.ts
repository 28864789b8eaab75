/**
 * The guilds port: guilds, channels (guild channels and DMs), roles, members,
 * per-channel permission overwrites and invites. Shaped after Discord's v10
 * objects so the REST API and the guild actor map them field for field.
 * Ids are snowflake strings; permission bitfields are decimal strings.
 */
import type { StoreCallOptions } from '../messages/message-store.port';

/** A guild. `createdAt` is derived from the id. */
export interface StoredGuild {
  id: string;
  name: string;
  ownerId: string;
  icon: string | null;
  description: string | null;
  systemChannelId: string | null;
  /** 0 none .. 4 very high. */
  verificationLevel: number;
  /** 0 all messages, 1 only mentions. */
  defaultMessageNotifications: number;
  /** 0 disabled .. 2 all members. */
  explicitContentFilter: number;
  preferredLocale: string;
  features: string[];
  createdAt: Date;
}

/** What a guild create needs. */
export type NewGuild = Omit<StoredGuild, 'createdAt' | 'icon' | 'description' | 'systemChannelId' | 'verificationLevel' | 'defaultMessageNotifications' | 'explicitContentFilter' | 'preferredLocale' | 'features'> &
  Partial<Pick<StoredGuild, 'icon' | 'description' | 'systemChannelId' | 'verificationLevel' | 'defaultMessageNotifications' | 'explicitContentFilter' | 'preferredLocale' | 'features'>>;

/** Guild fields an update may change. */
export type GuildPatch = Partial<Omit<StoredGuild, 'id' | 'createdAt'>>;

/** Discord channel types this store knows. */
export const ChannelType = {
  GuildText: 0,
  DM: 1,
  GuildVoice: 2,
  GroupDM: 3,
  GuildCategory: 4,
  GuildAnnouncement: 5,
} as const;

/** One channel permission overwrite: allow/deny bits for a role (type 0) or a member (type 1). */
export interface PermissionOverwrite {
  /** Role id or user id. */
  id: string;
  type: 0 | 1;
  allow: string;
  deny: string;
}

/** A channel: a guild channel (guildId set) or a DM / group DM (guildId null, recipients set). */
export interface StoredChannel {
  id: string;
  type: number;
  guildId: string | null;
  name: string | null;
  topic: string | null;
  position: number;
  parentId: string | null;
  nsfw: boolean;
  /** Slowmode seconds. */
  rateLimitPerUser: number;
  bitrate: number | null;
  userLimit: number | null;
  /** Id of the newest message, kept by the data service through `setLastMessageId`. */
  lastMessageId: string | null;
  lastPinTimestamp: Date | null;
  /** DM and group DM participants; empty for guild channels. */
  recipientIds: string[];
  /** Group DM owner; null otherwise. */
  ownerId: string | null;
  /** Sorted by target id. */
  permissionOverwrites: PermissionOverwrite[];
  createdAt: Date;
}

/** What a channel create needs. A DM (type 1) has no guild and exactly two recipients. */
export type NewChannel = Pick<StoredChannel, 'id' | 'type' | 'guildId'> &
  Partial<Omit<StoredChannel, 'id' | 'type' | 'guildId' | 'createdAt' | 'lastMessageId' | 'lastPinTimestamp'>>;

/** Channel fields an update may change (recipients and overwrites have their own calls). */
export type ChannelPatch = Partial<Pick<StoredChannel, 'name' | 'topic' | 'position' | 'parentId' | 'nsfw' | 'rateLimitPerUser' | 'bitrate' | 'userLimit' | 'lastPinTimestamp' | 'ownerId'>>;

/** A role. The @everyone role has the guild's id. */
export interface StoredRole {
  id: string;
  guildId: string;
  name: string;
  color: number;
  hoist: boolean;
  position: number;
  permissions: string;
  managed: boolean;
  mentionable: boolean;
}

/** What a role create needs. */
export type NewRole = Pick<StoredRole, 'id' | 'guildId' | 'name' | 'permissions'> & Partial<Pick<StoredRole, 'color' | 'hoist' | 'position' | 'managed' | 'mentionable'>>;

/** Role fields an update may change. */
export type RolePatch = Partial<Pick<StoredRole, 'name' | 'color' | 'hoist' | 'position' | 'permissions' | 'mentionable'>>;

/** A guild member. `roleIds` never contains the @everyone role (as in Discord). */
export interface StoredMember {
  guildId: string;
  userId: string;
  nick: string | null;
  /** Sorted ascending by id. */
  roleIds: string[];
  joinedAt: Date;
  deaf: boolean;
  mute: boolean;
}

/** What adding a member needs. */
export type NewMember = Pick<StoredMember, 'guildId' | 'userId' | 'joinedAt'> & Partial<Pick<StoredMember, 'nick' | 'roleIds' | 'deaf' | 'mute'>>;

/** Member fields an update may change. */
export type MemberPatch = Partial<Pick<StoredMember, 'nick' | 'roleIds' | 'deaf' | 'mute'>>;

/** A page of members, ordered by user id ascending (Discord's List Guild Members). */
export interface MemberPage {
  /** Members with user id strictly greater than this. */
  after?: string;
  /** 1..1000. */
  limit: number;
}

/** An invite. `maxUses` 0 and `maxAge` 0 mean unlimited. */
export interface StoredInvite {
  code: string;
  guildId: string;
  channelId: string;
  inviterId: string | null;
  uses: number;
  maxUses: number;
  /** Seconds the invite lives; 0 = forever. */
  maxAge: number;
  temporary: boolean;
  createdAt: Date;
  /** createdAt + maxAge, or null when maxAge is 0. */
  expiresAt: Date | null;
}

/** What an invite create needs. */
export type NewInvite = Pick<StoredInvite, 'code' | 'guildId' | 'channelId' | 'createdAt'> & Partial<Pick<StoredInvite, 'inviterId' | 'maxUses' | 'maxAge' | 'temporary'>>;

/** The guilds port. */
export interface GuildStore {
  /** Creates a guild. Duplicate id -> ConflictError. */
  createGuild(guild: NewGuild, options?: StoreCallOptions): Promise<StoredGuild>;
  /** One guild, or undefined. */
  getGuild(guildId: string, options?: StoreCallOptions): Promise<StoredGuild | undefined>;
  /** Applies a patch; NotFoundError when the guild does not exist. */
  updateGuild(guildId: string, patch: GuildPatch, options?: StoreCallOptions): Promise<StoredGuild>;
  /** Deletes a guild with its channels, roles, members, overwrites and invites; false when it did not exist. */
  deleteGuild(guildId: string, options?: StoreCallOptions): Promise<boolean>;

  /** Creates a channel. Duplicate id or an existing DM between the same two users -> ConflictError; unknown guild -> NotFoundError. */
  createChannel(channel: NewChannel, options?: StoreCallOptions): Promise<StoredChannel>;
  /** One channel, or undefined. */
  getChannel(channelId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined>;
  /** Every channel of a guild, ordered by (position, id). */
  listChannels(guildId: string, options?: StoreCallOptions): Promise<StoredChannel[]>;
  /** Applies a patch; NotFoundError when the channel does not exist. */
  updateChannel(channelId: string, patch: ChannelPatch, options?: StoreCallOptions): Promise<StoredChannel>;
  /** Records the channel's newest message id if it is newer than the stored one (never moves backwards). */
  setLastMessageId(channelId: string, messageId: string, options?: StoreCallOptions): Promise<void>;
  /** Deletes a channel with its overwrites and invites; false when it did not exist. */
  deleteChannel(channelId: string, options?: StoreCallOptions): Promise<boolean>;
  /** The one-to-one DM channel between two users, or undefined. */
  getDmChannel(userId: string, otherUserId: string, options?: StoreCallOptions): Promise<StoredChannel | undefined>;
  /** Every DM and group DM channel the user is a recipient of, ordered by id. */
  listDmChannels(userId: string, options?: StoreCallOptions): Promise<StoredChannel[]>;

  /** Creates or replaces the overwrite for `overwrite.id`; NotFoundError when the channel does not exist. */
  setPermissionOverwrite(channelId: string, overwrite: PermissionOverwrite, options?: StoreCallOptions): Promise<void>;
  /** Removes one overwrite; false when there was none. */
  deletePermissionOverwrite(channelId: string, targetId: string, options?: StoreCallOptions): Promise<boolean>;

  /** Creates a role. Duplicate id -> ConflictError; unknown guild -> NotFoundError. */
  createRole(role: NewRole, options?: StoreCallOptions): Promise<StoredRole>;
  /** Every role of a guild, ordered by (position, id). */
  listRoles(guildId: string, options?: StoreCallOptions): Promise<StoredRole[]>;
  /** Applies a patch; NotFoundError when the role does not exist in that guild. */
  updateRole(guildId: string, roleId: string, patch: RolePatch, options?: StoreCallOptions): Promise<StoredRole>;
  /** Deletes a role and takes it from every member; false when it did not exist. */
  deleteRole(guildId: string, roleId: string, options?: StoreCallOptions): Promise<boolean>;

  /** Adds a member. Already a member -> ConflictError; unknown guild or a role of another guild -> NotFoundError. */
  addMember(member: NewMember, options?: StoreCallOptions): Promise<StoredMember>;
  /** One member, or undefined. */
  getMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<StoredMember | undefined>;
  /** A page of members by user id ascending; limit 1..1000. */
  listMembers(guildId: string, page: MemberPage, options?: StoreCallOptions): Promise<StoredMember[]>;
  /** Applies a patch; NotFoundError when not a member or a role is unknown. */
  updateMember(guildId: string, userId: string, patch: MemberPatch, options?: StoreCallOptions): Promise<StoredMember>;
  /** Removes a member; false when they were not one. */
  removeMember(guildId: string, userId: string, options?: StoreCallOptions): Promise<boolean>;
  /** Ids of every guild the user is a member of, ascending. */
  listGuildIdsForUser(userId: string, options?: StoreCallOptions): Promise<string[]>;

  /** Creates an invite. Duplicate code -> ConflictError; unknown channel -> NotFoundError. */
  createInvite(invite: NewInvite, options?: StoreCallOptions): Promise<StoredInvite>;
  /** One invite (even an expired one), or undefined. */
  getInvite(code: string, options?: StoreCallOptions): Promise<StoredInvite | undefined>;
  /** Every invite of a guild, ordered by code. */
  listInvites(guildId: string, options?: StoreCallOptions): Promise<StoredInvite[]>;
  /**
   * Counts one use atomically and returns the invite after it. Unknown code ->
   * NotFoundError; expired at `now` or at maxUses -> InviteUnusableError.
   */
  useInvite(code: string, now: Date, options?: StoreCallOptions): Promise<StoredInvite>;
  /** Deletes an invite; false when it did not exist. */
  deleteInvite(code: string, options?: StoreCallOptions): Promise<boolean>;

  /** Releases connections (a no-op when the store shares them). */
  close(): Promise<void>;
}
