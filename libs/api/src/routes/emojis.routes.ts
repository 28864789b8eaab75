/**
 * Custom emojis: a guild's (CRUD with a data-URI image, role restrictions,
 * GUILD_EMOJIS_UPDATE) and an application's (`{items}` lists, usable by
 * its bot anywhere). Images are PNG, JPEG, GIF or WebP up to 256 KiB; a
 * guild without boosts holds 50 static and 50 animated ones (30008), an
 * application 2000. The image is served publicly at /emojis/{id}.{ext}.
 */
import { toDiscordEmoji } from '@chat/discord';
import { EmojiRecords, type EmojiOwner, type StoredEmoji } from '@chat/store';
import { z } from 'zod';
import { loadGuildAccess, type GuildAccess } from '../access';
import { DiscordErrors, invalidFormBody, treeFor, RestError } from '../errors';
import { seesCreators, requireCreate, requireManage } from '../expressions/expression-access';
import { imageFromDataUri } from '../expressions/image-data';
import type { Caller, HttpMethod, ResolvedDeps, RouteDefinition } from '../route-context';
import { created, dispatchOf, noContent, ok, publishToGuild, usersById } from '../route-context';
import { parseBody, snowflakeParam } from '../validation';

/** Largest emoji image (Discord's). */
export const MAX_EMOJI_BYTES = 256 * 1024;
/** Static and animated emoji slots of a guild without boosts. */
export const GUILD_EMOJI_SLOTS = 50;
/** Emojis an application may own. */
export const APPLICATION_EMOJI_SLOTS = 2000;
const EMOJI_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

const name = z.string().regex(/^[A-Za-z0-9_]{2,32}$/, 'Must be between 2 and 32 in length and only letters, numbers and underscores.');
const roleIds = z.array(z.string().regex(/^\d{1,20}$/)).max(250);
const createBody = z.object({ name, image: z.string(), roles: roleIds.optional() });
const editBody = z.object({ name: name.optional(), roles: roleIds.nullish() });
const appCreateBody = z.object({ name, image: z.string() });
const appEditBody = z.object({ name });

const maxEmojis = (limit: number) => new RestError(400, 30008, `Maximum number of emojis reached (${limit})`);

/** The object-store key of an emoji's image. */
export const emojiImageKey = (emojiId: string) => `emojis/${emojiId}`;

function checkRoles(access: GuildAccess, roles: readonly string[] | null | undefined): string[] {
  const ids = [...new Set(roles ?? [])];
  for (const [i, id] of ids.entries()) {
    if (!access.roles.some((role) => role.id === id)) throw invalidFormBody(treeFor(['roles', i], { code: 'ROLE_INVALID', message: `Unknown role ${id}` }));
  }
  return ids;
}

async function emojiJson(deps: ResolvedDeps, emojis: readonly StoredEmoji[], withCreators: boolean) {
  const users = withCreators ? await usersById(deps, emojis.map((e) => e.creatorId)) : new Map();
  return emojis.map((e) => toDiscordEmoji(e, users.get(e.creatorId)));
}

async function announce(deps: ResolvedDeps, guildId: string): Promise<void> {
  const emojis = await new EmojiRecords(deps.store.records).list({ guildId });
  await publishToGuild(deps, guildId, dispatchOf('GUILD_EMOJIS_UPDATE', { guild_id: guildId, emojis: emojis.map((e) => toDiscordEmoji(e)) }));
}

/** Stores a new emoji's image and record; checks the owner's slots first. */
async function createEmoji(deps: ResolvedDeps, owner: EmojiOwner, input: { name: string; image: string; roles?: string[] }, creatorId: string): Promise<StoredEmoji> {
  const image = imageFromDataUri('image', input.image, EMOJI_TYPES, MAX_EMOJI_BYTES);
  const records = new EmojiRecords(deps.store.records);
  const existing = await records.list(owner);
  if ('guildId' in owner) {
    if (existing.filter((e) => e.animated === image.animated).length >= GUILD_EMOJI_SLOTS) throw maxEmojis(GUILD_EMOJI_SLOTS);
  } else if (existing.length >= APPLICATION_EMOJI_SLOTS) {
    throw maxEmojis(APPLICATION_EMOJI_SLOTS);
  } else if (existing.some((e) => e.name === input.name)) {
    throw invalidFormBody(treeFor(['name'], { code: 'APPLICATION_EMOJI_NAME_ALREADY_TAKEN', message: 'Application emoji names must be unique' }));
  }
  const id = deps.nextId();
  const emoji: StoredEmoji = { id, name: input.name, animated: image.animated, roles: input.roles ?? [], creatorId, imageKey: emojiImageKey(id) };
  await deps.objects.put(emoji.imageKey, image.bytes, { contentType: image.contentType });
  await records.save(owner, emoji);
  return emoji;
}

async function removeEmoji(deps: ResolvedDeps, owner: EmojiOwner, emoji: StoredEmoji): Promise<void> {
  await new EmojiRecords(deps.store.records).remove(owner, emoji.id);
  await deps.objects.delete(emoji.imageKey);
}

/** The application a caller manages (its owner, or its bot); 50001 for anyone else. */
async function managedApplication(deps: ResolvedDeps, caller: Caller, applicationId: string | undefined): Promise<string> {
  const application = await deps.store.users.getApplication(snowflakeParam(applicationId, 'application_id'));
  if (!application) throw DiscordErrors.unknownApplication();
  if (application.ownerId !== caller.user.id && application.botUserId !== caller.user.id) throw DiscordErrors.missingAccess();
  return application.id;
}

/** The emoji routes. */
export function emojiRoutes(): [HttpMethod, string, RouteDefinition][] {
  const guildEmoji = async (deps: ResolvedDeps, guildId: string, emojiId: string | undefined) => {
    const emoji = await new EmojiRecords(deps.store.records).get({ guildId }, snowflakeParam(emojiId, 'emoji_id'));
    if (!emoji) throw DiscordErrors.unknownEmoji();
    return emoji;
  };
  const appEmoji = async (deps: ResolvedDeps, applicationId: string, emojiId: string | undefined) => {
    const emoji = await new EmojiRecords(deps.store.records).get({ applicationId }, snowflakeParam(emojiId, 'emoji_id'));
    if (!emoji) throw DiscordErrors.unknownEmoji();
    return emoji;
  };
  return [
    ['GET', '/guilds/:guildId/emojis', { auth: 'required', bucket: 'emojis.list', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      return ok(await emojiJson(deps, await new EmojiRecords(deps.store.records).list({ guildId: access.guild.id }), seesCreators(access)));
    } }],
    ['GET', '/guilds/:guildId/emojis/:emojiId', { auth: 'required', bucket: 'emojis.get', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const [json] = await emojiJson(deps, [await guildEmoji(deps, access.guild.id, params.emojiId)], seesCreators(access));
      return ok(json);
    } }],
    ['POST', '/guilds/:guildId/emojis', { auth: 'required', bucket: 'emojis.create', major: 'guildId', handler: async ({ deps, caller, params, body }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      requireCreate(access);
      const input = parseBody(createBody, body);
      const emoji = await createEmoji(deps, { guildId: access.guild.id }, { name: input.name, image: input.image, roles: checkRoles(access, input.roles) }, caller.user.id);
      await announce(deps, access.guild.id);
      return created(toDiscordEmoji(emoji, caller.user));
    } }],
    ['PATCH', '/guilds/:guildId/emojis/:emojiId', { auth: 'required', bucket: 'emojis.edit', major: 'guildId', handler: async ({ deps, caller, params, body }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const emoji = await guildEmoji(deps, access.guild.id, params.emojiId);
      requireManage(access, emoji.creatorId);
      const input = parseBody(editBody, body);
      const next: StoredEmoji = { ...emoji, ...(input.name !== undefined ? { name: input.name } : {}), ...(input.roles !== undefined ? { roles: checkRoles(access, input.roles) } : {}) };
      await new EmojiRecords(deps.store.records).save({ guildId: access.guild.id }, next);
      await announce(deps, access.guild.id);
      const [json] = await emojiJson(deps, [next], true);
      return ok(json);
    } }],
    ['DELETE', '/guilds/:guildId/emojis/:emojiId', { auth: 'required', bucket: 'emojis.delete', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const emoji = await guildEmoji(deps, access.guild.id, params.emojiId);
      requireManage(access, emoji.creatorId);
      await removeEmoji(deps, { guildId: access.guild.id }, emoji);
      await announce(deps, access.guild.id);
      return noContent();
    } }],
    ['GET', '/applications/:applicationId/emojis', { auth: 'required', bucket: 'app-emojis', major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const applicationId = await managedApplication(deps, caller, params.applicationId);
      return ok({ items: await emojiJson(deps, await new EmojiRecords(deps.store.records).list({ applicationId }), true) });
    } }],
    ['GET', '/applications/:applicationId/emojis/:emojiId', { auth: 'required', bucket: 'app-emojis', major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const applicationId = await managedApplication(deps, caller, params.applicationId);
      const [json] = await emojiJson(deps, [await appEmoji(deps, applicationId, params.emojiId)], true);
      return ok(json);
    } }],
    ['POST', '/applications/:applicationId/emojis', { auth: 'required', bucket: 'app-emojis', major: 'applicationId', handler: async ({ deps, caller, params, body }) => {
      const applicationId = await managedApplication(deps, caller, params.applicationId);
      const input = parseBody(appCreateBody, body);
      return created(toDiscordEmoji(await createEmoji(deps, { applicationId }, input, caller.user.id), caller.user));
    } }],
    ['PATCH', '/applications/:applicationId/emojis/:emojiId', { auth: 'required', bucket: 'app-emojis', major: 'applicationId', handler: async ({ deps, caller, params, body }) => {
      const applicationId = await managedApplication(deps, caller, params.applicationId);
      const emoji = await appEmoji(deps, applicationId, params.emojiId);
      const next = { ...emoji, name: parseBody(appEditBody, body).name };
      await new EmojiRecords(deps.store.records).save({ applicationId }, next);
      const [json] = await emojiJson(deps, [next], true);
      return ok(json);
    } }],
    ['DELETE', '/applications/:applicationId/emojis/:emojiId', { auth: 'required', bucket: 'app-emojis', major: 'applicationId', handler: async ({ deps, caller, params }) => {
      const applicationId = await managedApplication(deps, caller, params.applicationId);
      await removeEmoji(deps, { applicationId }, await appEmoji(deps, applicationId, params.emojiId));
      return noContent();
    } }],
  ];
}
