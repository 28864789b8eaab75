export {
  MessageNotFoundError,
  EntityNotFoundError,
  DuplicateEntityError,
  InviteUnusableError,
  InvalidStoreArgumentError,
  StoreUnavailableError,
  StoreCancelledError,
  SchemaMigrationError,
  StoreConfigError,
} from './errors';
export type {
  StoredMessage,
  MessageOrigin,
  NewMessage,
  HistoryQuery,
  MessagePatch,
  StoreCallOptions,
  MessageStore,
} from './messages/message-store.port';
export { MIN_HISTORY_LIMIT, MAX_HISTORY_LIMIT } from './messages/history-query';
export {
  ChannelType,
  type StoredGuild,
  type NewGuild,
  type GuildPatch,
  type PermissionOverwrite,
  type StoredChannel,
  type NewChannel,
  type ChannelPatch,
  type StoredRole,
  type NewRole,
  type RolePatch,
  type StoredMember,
  type NewMember,
  type MemberPatch,
  type MemberPage,
  type StoredInvite,
  type NewInvite,
  type GuildStore,
} from './guilds/guild-store.port';
export { MAX_MEMBER_PAGE } from './guilds/guild-records';
export type {
  StoredUser,
  NewUser,
  UserPatch,
  TokenKind,
  StoredToken,
  StoredApplication,
  NewApplication,
  ApplicationPatch,
  UserStore,
} from './users/user-store.port';
export type { ReadState, ReadStateStore } from './read-states/read-state-store.port';
export type { StoredRecord, RecordWriteOptions, RecordStore } from './records/record-store.port';
export { MAX_RECORD_ID_LENGTH } from './records/record-store.port';
export { EmojiRecords, type StoredEmoji, type EmojiOwner } from './expressions/emoji-records';
export { StickerRecords, type StoredSticker } from './expressions/sticker-records';
export type { ReactionType, ReactionTarget, NewReaction, ReactionCount, ReactorPage, ReactionStore } from './reactions/reaction-store.port';
export { MAX_REACTOR_PAGE } from './reactions/reaction-store.port';
export type { OutboxEntry, OutboxEventKind, OutboxStore } from './outbox/outbox-store.port';
export { MAX_OUTBOX_PAGE } from './outbox/outbox-records';
export { hashPassword, verifyPassword, DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './credentials/password-hash';
export { hashToken, generateToken } from './credentials/token-hash';
export { openStore, type Store, type StoreOptions, type SqliteStoreOptions, type ScyllaStoreOptions } from './open-store';
export { storeConfigSchema, toStoreOptions, type StoreConfig } from './store-config';
export { BUCKET_SIZE_MS, bucketOf, bucketOfTime } from './scylla/bucket';
export { CONSISTENCY_LEVELS, type ConsistencyName, createScyllaClient } from './scylla/scylla-session';
export {
  migrateScylla,
  readScyllaMigrations,
  SCYLLA_MIGRATIONS_DIR,
  type ScyllaMigrateOptions,
  type ScyllaMigrateResult,
} from './scylla/scylla-migrations';
export { storeModule, STORE_MODULE } from './store.module';
