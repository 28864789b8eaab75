/**
 * The SQLite schema, as numbered migrations. Ids are INTEGER (64-bit signed)
 * so that (channel_id, id) sorts numerically; times are Unix milliseconds.
 * Tables with a natural composite key are WITHOUT ROWID, so the primary key
 * is the table's order on disk and history reads are range scans.
 */

/** One schema step. Versions are consecutive from 1 and never edited once shipped. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'messages',
    sql: `
      CREATE TABLE messages (
        channel_id       INTEGER NOT NULL,
        id               INTEGER NOT NULL,
        guild_id         INTEGER,
        author_id        INTEGER NOT NULL,
        content          TEXT    NOT NULL,
        edited_at        INTEGER,
        tts              INTEGER NOT NULL,
        mention_everyone INTEGER NOT NULL,
        mention_user_ids TEXT    NOT NULL,
        mention_role_ids TEXT    NOT NULL,
        attachments      TEXT    NOT NULL,
        embeds           TEXT    NOT NULL,
        nonce            TEXT,
        pinned           INTEGER NOT NULL,
        type             INTEGER NOT NULL,
        flags            INTEGER NOT NULL,
        ref_message_id   INTEGER,
        ref_channel_id   INTEGER,
        ref_guild_id     INTEGER,
        PRIMARY KEY (channel_id, id)
      ) WITHOUT ROWID;`,
  },
  {
    version: 2,
    name: 'guilds',
    sql: `
      CREATE TABLE guilds (
        id                            INTEGER PRIMARY KEY,
        name                          TEXT    NOT NULL,
        owner_id                      INTEGER NOT NULL,
        icon                          TEXT,
        description                   TEXT,
        system_channel_id             INTEGER,
        verification_level            INTEGER NOT NULL,
        default_message_notifications INTEGER NOT NULL,
        explicit_content_filter       INTEGER NOT NULL,
        preferred_locale              TEXT    NOT NULL,
        features                      TEXT    NOT NULL
      );
      CREATE TABLE channels (
        id                  INTEGER PRIMARY KEY,
        type                INTEGER NOT NULL,
        guild_id            INTEGER REFERENCES guilds(id) ON DELETE CASCADE,
        name                TEXT,
        topic               TEXT,
        position            INTEGER NOT NULL,
        parent_id           INTEGER,
        nsfw                INTEGER NOT NULL,
        rate_limit_per_user INTEGER NOT NULL,
        bitrate             INTEGER,
        user_limit          INTEGER,
        last_message_id     INTEGER,
        last_pin_timestamp  INTEGER,
        owner_id            INTEGER,
        dm_key              TEXT UNIQUE
      );
      CREATE INDEX channels_by_guild ON channels (guild_id, position, id);
      CREATE TABLE channel_recipients (
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        user_id    INTEGER NOT NULL,
        PRIMARY KEY (channel_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX recipients_by_user ON channel_recipients (user_id, channel_id);
      CREATE TABLE permission_overwrites (
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        target_id  INTEGER NOT NULL,
        type       INTEGER NOT NULL,
        allow      TEXT    NOT NULL,
        deny       TEXT    NOT NULL,
        PRIMARY KEY (channel_id, target_id)
      ) WITHOUT ROWID;
      CREATE TABLE roles (
        guild_id    INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        id          INTEGER NOT NULL UNIQUE,
        name        TEXT    NOT NULL,
        color       INTEGER NOT NULL,
        hoist       INTEGER NOT NULL,
        position    INTEGER NOT NULL,
        permissions TEXT    NOT NULL,
        managed     INTEGER NOT NULL,
        mentionable INTEGER NOT NULL,
        PRIMARY KEY (guild_id, id)
      ) WITHOUT ROWID;
      CREATE TABLE members (
        guild_id  INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        user_id   INTEGER NOT NULL,
        nick      TEXT,
        joined_at INTEGER NOT NULL,
        deaf      INTEGER NOT NULL,
        mute      INTEGER NOT NULL,
        PRIMARY KEY (guild_id, user_id)
      ) WITHOUT ROWID;
      CREATE INDEX members_by_user ON members (user_id, guild_id);
      CREATE TABLE member_roles (
        guild_id INTEGER NOT NULL,
        user_id  INTEGER NOT NULL,
        role_id  INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
        PRIMARY KEY (guild_id, user_id, role_id),
        FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX member_roles_by_role ON member_roles (role_id);
      CREATE TABLE invites (
        code       TEXT    PRIMARY KEY,
        guild_id   INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
        channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        inviter_id INTEGER,
        uses       INTEGER NOT NULL,
        max_uses   INTEGER NOT NULL,
        max_age    INTEGER NOT NULL,
        temporary  INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX invites_by_guild ON invites (guild_id, code);
      CREATE INDEX invites_by_channel ON invites (channel_id);`,
  },
  {
    version: 3,
    name: 'users',
    sql: `
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT    NOT NULL,
        discriminator TEXT    NOT NULL,
        global_name   TEXT,
        avatar        TEXT,
        bot           INTEGER NOT NULL,
        flags         INTEGER NOT NULL,
        email         TEXT,
        password_hash TEXT,
        tag_key       TEXT    NOT NULL UNIQUE,
        email_key     TEXT    UNIQUE
      );
      CREATE TABLE tokens (
        token_hash TEXT    PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX tokens_by_user ON tokens (user_id, kind);
      CREATE TABLE applications (
        id                     INTEGER PRIMARY KEY,
        name                   TEXT    NOT NULL,
        description            TEXT    NOT NULL,
        owner_id               INTEGER NOT NULL REFERENCES users(id),
        bot_user_id            INTEGER UNIQUE REFERENCES users(id),
        bot_public             INTEGER NOT NULL,
        bot_require_code_grant INTEGER NOT NULL,
        flags                  INTEGER NOT NULL
      );
      CREATE INDEX applications_by_owner ON applications (owner_id, id);`,
  },
  {
    version: 4,
    name: 'read_states',
    sql: `
      CREATE TABLE read_states (
        user_id            INTEGER NOT NULL,
        channel_id         INTEGER NOT NULL,
        last_message_id    INTEGER,
        mention_count      INTEGER NOT NULL,
        last_pin_timestamp INTEGER,
        PRIMARY KEY (user_id, channel_id)
      ) WITHOUT ROWID;`,
  },
  {
    version: 5,
    name: 'outbox',
    sql: `
      CREATE TABLE outbox (
        owner       TEXT    NOT NULL,
        event_id    INTEGER NOT NULL,
        kind        TEXT    NOT NULL,
        channel_id  INTEGER NOT NULL,
        message_ids TEXT    NOT NULL,
        value       BLOB    NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (owner, event_id)
      ) WITHOUT ROWID;`,
  },
  {
    version: 6,
    name: 'read_states_last_mention',
    sql: `ALTER TABLE read_states ADD COLUMN last_mention_id INTEGER;`,
  },
  {
    version: 7,
    name: 'records',
    sql: `
      CREATE TABLE records (
        kind       TEXT    NOT NULL,
        partition  TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        value      TEXT    NOT NULL,
        expires_at INTEGER,
        PRIMARY KEY (kind, partition, key)
      ) WITHOUT ROWID;`,
  },
  {
    version: 8,
    name: 'message_components_origin',
    sql: `
      ALTER TABLE messages ADD COLUMN components TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE messages ADD COLUMN origin TEXT;`,
  },
  {
    version: 9,
    name: 'reactions',
    sql: `
      CREATE TABLE reactions (
        channel_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        emoji      TEXT    NOT NULL,
        type       INTEGER NOT NULL,
        user_id    INTEGER NOT NULL,
        emoji_name TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (channel_id, message_id, emoji, type, user_id)
      ) WITHOUT ROWID;`,
  },
  {
    version: 10,
    name: 'message_poll',
    sql: `
      ALTER TABLE messages ADD COLUMN poll TEXT;`,
  },
];
