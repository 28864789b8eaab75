/**
 * Guild stickers: list, get, create (multipart: name, description, tags and
 * the file: PNG, APNG, GIF or Lottie JSON up to 512 KiB), edit, delete, with
 * GUILD_STICKERS_UPDATE; a guild without boosts holds 5 (30039). Any sticker
 * by id, and Discord's list of sticker packs (empty: this server has none). The file is
 * served publicly at /stickers/{id}.{ext}.
 */
import { toDiscordSticker } from '@chat/discord';
import { StickerRecords, type StoredSticker } from '@chat/store';
import { z } from 'zod';
import { loadGuildAccess } from '../access';
import { DiscordErrors, invalidFormBody, RestError, treeFor } from '../errors';
import { seesCreators, requireCreate, requireManage } from '../expressions/expression-access';
import { checkImage } from '../expressions/image-data';
import type { HttpMethod, ResolvedDeps, RouteDefinition } from '../route-context';
import { created, dispatchOf, noContent, ok, publishToGuild, usersById } from '../route-context';
import { parseBody, snowflakeParam } from '../validation';

/** Largest sticker file (Discord's). */
export const MAX_STICKER_BYTES = 512 * 1024;
/** Stickers of a guild without boosts. */
export const GUILD_STICKER_SLOTS = 5;

const fields = {
  name: z.string().min(2).max(30),
  description: z.string().max(100).refine((d) => d === '' || d.length >= 2, 'Must be empty or between 2 and 100 in length.'),
  tags: z.string().min(1).max(200),
};
const createBody = z.object(fields);
const editBody = z.object({ name: fields.name.optional(), description: fields.description.nullish(), tags: fields.tags.optional() });

/** The object-store key of a sticker's file. */
export const stickerFileKey = (stickerId: string) => `stickers/${stickerId}`;

/** Discord's format types: 1 PNG, 2 APNG, 3 Lottie, 4 GIF. */
function stickerFile(bytes: Buffer): { formatType: number; contentType: string } {
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      const lottie = JSON.parse(text) as { v?: unknown; layers?: unknown };
      if (typeof lottie.v === 'string' && Array.isArray(lottie.layers)) return { formatType: 3, contentType: 'application/json' };
    } catch {
      // Not JSON: falls through to the image check, which names the field.
    }
  }
  const image = checkImage('file', bytes, ['image/png', 'image/gif'], MAX_STICKER_BYTES);
  if (image.contentType === 'image/gif') return { formatType: 4, contentType: image.contentType };
  return { formatType: image.animated ? 2 : 1, contentType: image.contentType };
}

async function stickersJson(deps: ResolvedDeps, stickers: readonly StoredSticker[], withCreators: boolean) {
  const users = withCreators ? await usersById(deps, stickers.map((s) => s.creatorId)) : new Map();
  return stickers.map((s) => toDiscordSticker(s, users.get(s.creatorId)));
}

async function announce(deps: ResolvedDeps, guildId: string): Promise<void> {
  const stickers = await new StickerRecords(deps.store.records).list(guildId);
  await publishToGuild(deps, guildId, dispatchOf('GUILD_STICKERS_UPDATE', { guild_id: guildId, stickers: stickers.map((s) => toDiscordSticker(s)) }));
}

/** The sticker routes. */
export function stickerRoutes(): [HttpMethod, string, RouteDefinition][] {
  const guildSticker = async (deps: ResolvedDeps, guildId: string, stickerId: string | undefined) => {
    const sticker = await new StickerRecords(deps.store.records).get(guildId, snowflakeParam(stickerId, 'sticker_id'));
    if (!sticker) throw DiscordErrors.unknownSticker();
    return sticker;
  };
  return [
    ['GET', '/sticker-packs', { auth: 'required', bucket: 'stickers.packs', handler: async () => ok({ sticker_packs: [] }) }],
    ['GET', '/stickers/:stickerId', { auth: 'required', bucket: 'stickers.get', handler: async ({ deps, params }) => {
      const sticker = await new StickerRecords(deps.store.records).find(snowflakeParam(params.stickerId, 'sticker_id'));
      if (!sticker) throw DiscordErrors.unknownSticker();
      return ok(toDiscordSticker(sticker));
    } }],
    ['GET', '/guilds/:guildId/stickers', { auth: 'required', bucket: 'stickers.list', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      return ok(await stickersJson(deps, await new StickerRecords(deps.store.records).list(access.guild.id), seesCreators(access)));
    } }],
    ['GET', '/guilds/:guildId/stickers/:stickerId', { auth: 'required', bucket: 'stickers.get', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const [json] = await stickersJson(deps, [await guildSticker(deps, access.guild.id, params.stickerId)], seesCreators(access));
      return ok(json);
    } }],
    ['POST', '/guilds/:guildId/stickers', { auth: 'required', bucket: 'stickers.create', major: 'guildId', uploads: true, handler: async ({ deps, caller, params, body, files }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      requireCreate(access);
      const input = parseBody(createBody, body);
      const file = files.find((f) => f.field === 'file');
      if (!file || files.length !== 1) throw invalidFormBody(treeFor(['file'], { code: 'BASE_TYPE_REQUIRED', message: 'One file, in the field "file", is required' }));
      if (file.bytes.length > MAX_STICKER_BYTES) throw invalidFormBody(treeFor(['file'], { code: 'BINARY_TYPE_MAX_SIZE', message: `File cannot be larger than ${MAX_STICKER_BYTES / 1024}.0 kb.` }));
      const format = stickerFile(file.bytes);
      const records = new StickerRecords(deps.store.records);
      if ((await records.list(access.guild.id)).length >= GUILD_STICKER_SLOTS) throw new RestError(400, 30039, `Maximum number of stickers reached (${GUILD_STICKER_SLOTS})`);
      const id = deps.nextId();
      const sticker: StoredSticker = { id, guildId: access.guild.id, name: input.name, description: input.description, tags: input.tags, formatType: format.formatType, creatorId: caller.user.id, imageKey: stickerFileKey(id) };
      await deps.objects.put(sticker.imageKey, file.bytes, { contentType: format.contentType });
      await records.save(sticker);
      await announce(deps, access.guild.id);
      return created(toDiscordSticker(sticker, caller.user));
    } }],
    ['PATCH', '/guilds/:guildId/stickers/:stickerId', { auth: 'required', bucket: 'stickers.edit', major: 'guildId', handler: async ({ deps, caller, params, body }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const sticker = await guildSticker(deps, access.guild.id, params.stickerId);
      requireManage(access, sticker.creatorId);
      const input = parseBody(editBody, body);
      const next: StoredSticker = {
        ...sticker,
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description ?? '' } : {}),
        ...(input.tags !== undefined ? { tags: input.tags } : {}),
      };
      await new StickerRecords(deps.store.records).save(next);
      await announce(deps, access.guild.id);
      const [json] = await stickersJson(deps, [next], true);
      return ok(json);
    } }],
    ['DELETE', '/guilds/:guildId/stickers/:stickerId', { auth: 'required', bucket: 'stickers.delete', major: 'guildId', handler: async ({ deps, caller, params }) => {
      const access = await loadGuildAccess(deps.store.guilds, params.guildId ?? '', caller.user.id);
      const sticker = await guildSticker(deps, access.guild.id, params.stickerId);
      requireManage(access, sticker.creatorId);
      await new StickerRecords(deps.store.records).remove(sticker);
      await deps.objects.delete(sticker.imageKey);
      await announce(deps, access.guild.id);
      return noContent();
    } }],
  ];
}
