/**
 * A message's attachments from a request: Discord's `attachments` array
 * (ids that are `files[n]` indexes for new uploads, or snowflakes of ones
 * the message already has) and the multipart files. Checks everything
 * before a byte is stored (at most 10, each within the file limit, every
 * referenced file present), then stores each upload under a pending owner
 * record. `commit` settles the owners once the message exists; `abort`
 * removes the bytes again when it does not, so a refused request leaves
 * nothing behind.
 */
import { createHash } from 'node:crypto';
import type { StoredAttachment } from '@chat/discord';
import type { StoredMessage } from '@chat/store';
import type { z } from 'zod';
import { MAX_ATTACHMENTS, type attachmentInput } from './attachment-schema';
import { DiscordErrors, invalidFormBody, treeFor } from '../errors';
import type { ResolvedDeps } from '../route-context';
import { attachmentObjectKey } from './attachment-keys';
import { AttachmentRecords } from './attachment-records';
import type { UploadedFile } from './multipart';
import { sniff } from './sniff';

/** IS_REMIX, the one attachment flag a client sets. */
const IS_REMIX = 1 << 2;
/** IS_SPOILER, from a SPOILER_ filename. */
const IS_SPOILER = 1 << 3;

type AttachmentInput = z.output<typeof attachmentInput>;

/** What a request's attachments come to. */
export interface PreparedAttachments {
  /** The message's attachments, in order. */
  all: StoredAttachment[];
  /** The ones uploaded by this request. */
  uploaded: StoredAttachment[];
  /** The ones the message had and this request dropped (edits). */
  removed: StoredAttachment[];
  /** Records that the message exists. */
  commit(messageId: string): Promise<void>;
  /** Removes this request's uploads (the message was refused). */
  abort(): Promise<void>;
}

/** The index of a `files[n]` (or a lone `file`) part. */
function fileIndex(field: string): number | undefined {
  if (field === 'file') return 0;
  const match = /^files\[(\d{1,2})\]$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/** Discord's filename rules: spaces and anything outside [A-Za-z0-9._-] become underscores. */
export function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 1024);
  return cleaned === '' ? 'unknown' : cleaned;
}

/**
 * Checks and stores a request's attachments. `existing` are the message's
 * current ones (edits); with no `attachments` array an edit keeps them and
 * adds the files, a create takes every file.
 *
 * @throws 50035 naming the field for a missing file, an unknown id or too many; 413 40005 for a file over the limit.
 */
export async function prepareAttachments(
  deps: ResolvedDeps,
  channelId: string,
  files: readonly UploadedFile[],
  input: readonly AttachmentInput[] | null | undefined,
  existing: readonly StoredAttachment[] = [],
): Promise<PreparedAttachments> {
  const byIndex = new Map<number, UploadedFile>();
  for (const file of files) {
    const index = fileIndex(file.field);
    if (index === undefined) throw invalidFormBody(treeFor([file.field], { code: 'BASE_TYPE_INVALID', message: 'File fields are named files[n]' }));
    if (byIndex.has(index)) throw invalidFormBody(treeFor([file.field], { code: 'BASE_TYPE_INVALID', message: `A second file for files[${index}]` }));
    byIndex.set(index, file);
  }
  for (const file of files) if (file.bytes.length > deps.uploads.fileBytes) throw DiscordErrors.entityTooLarge();
  const kept: StoredAttachment[] = [];
  const toUpload: { file: UploadedFile; meta: AttachmentInput | undefined }[] = [];
  const order: (StoredAttachment | number)[] = [];
  if (input === undefined || input === null) {
    kept.push(...existing);
    order.push(...existing);
    for (const [index, file] of [...byIndex].sort((a, b) => a[0] - b[0])) {
      toUpload.push({ file, meta: undefined });
      order.push(index);
    }
  } else {
    const referenced = new Set<number>();
    for (const [i, entry] of input.entries()) {
      const current = existing.find((a) => a.id === String(entry.id));
      if (current) {
        const edited = { ...current, ...(entry.description != null ? { description: entry.description } : {}), ...(entry.title != null ? { title: entry.title } : {}) };
        kept.push(edited);
        order.push(edited);
        continue;
      }
      const index = Number(entry.id);
      const file = byIndex.get(index);
      if (!file || referenced.has(index)) throw invalidFormBody(treeFor(['attachments', i, 'id'], { code: 'ATTACHMENT_NOT_FOUND', message: `No file files[${String(entry.id)}] in the request for this attachment` }));
      referenced.add(index);
      toUpload.push({ file, meta: entry });
      order.push(index);
    }
    for (const [index, file] of [...byIndex].sort((a, b) => a[0] - b[0])) {
      if (referenced.has(index)) continue;
      toUpload.push({ file, meta: undefined });
      order.push(index);
    }
  }
  if (order.length > MAX_ATTACHMENTS) throw invalidFormBody(treeFor(['attachments'], { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${MAX_ATTACHMENTS} or fewer in length.` }));

  const records = new AttachmentRecords(deps.store.records);
  const uploaded: StoredAttachment[] = [];
  const abort = async () => {
    await Promise.all(uploaded.map(async (a) => {
      await deps.objects.delete(attachmentObjectKey(channelId, a.id));
      await records.remove(a.id);
    }));
  };
  try {
    for (const { file, meta } of toUpload) {
      const id = deps.nextId();
      const filename = cleanFilename(meta?.filename ?? file.filename);
      const sniffed = sniff(file.bytes, filename);
      const attachment: StoredAttachment = {
        id,
        filename,
        ...(meta?.title != null ? { title: meta.title } : {}),
        ...(meta?.description != null ? { description: meta.description } : {}),
        content_type: sniffed.contentType,
        size: file.bytes.length,
        ...(sniffed.width !== undefined && sniffed.height !== undefined ? { width: sniffed.width, height: sniffed.height } : {}),
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        ...(((meta?.flags ?? 0) & IS_REMIX) !== 0 || filename.startsWith('SPOILER_') ? { flags: ((meta?.flags ?? 0) & IS_REMIX) | (filename.startsWith('SPOILER_') ? IS_SPOILER : 0) } : {}),
        ...(meta?.duration_secs != null ? { duration_secs: meta.duration_secs } : {}),
        ...(meta?.waveform != null ? { waveform: meta.waveform } : {}),
      };
      await records.pending(id, channelId, deps.clock());
      uploaded.push(attachment);
      await deps.objects.put(attachmentObjectKey(channelId, id), file.bytes, { contentType: sniffed.contentType });
    }
  } catch (error) {
    await abort().catch(() => undefined);
    throw error;
  }
  let next = 0;
  const all = order.map((entry) => (typeof entry === 'number' ? (uploaded[next++] as StoredAttachment) : entry));
  return {
    all,
    uploaded,
    removed: existing.filter((a) => !kept.some((k) => k.id === a.id)),
    commit: async (messageId) => {
      await Promise.all(uploaded.map((a) => records.settle(a.id, { channelId, messageId, at: deps.clock() })));
    },
    abort,
  };
}

/** Runs the write that stores the message: commits the uploads when it succeeds, removes them when it fails. */
export async function withAttachments(attachments: PreparedAttachments | undefined, write: () => Promise<StoredMessage>): Promise<StoredMessage> {
  let message: StoredMessage;
  try {
    message = await write();
  } catch (error) {
    await attachments?.abort().catch(() => undefined);
    throw error;
  }
  await attachments?.commit(message.id);
  return message;
}

/** Deletes the bytes and records of attachments no message holds any more (after a delete or an edit); failures are logged, the sweep retries them. */
export function discardAttachments(deps: ResolvedDeps, channelId: string, attachments: readonly StoredAttachment[]): void {
  if (attachments.length === 0) return;
  const records = new AttachmentRecords(deps.store.records);
  void Promise.all(
    attachments.map(async (a) => {
      await deps.objects.delete(attachmentObjectKey(channelId, a.id));
      await records.remove(a.id);
    }),
  ).catch((error: unknown) => deps.logger.warn({ err: error, channelId }, 'deleting attachment bytes failed (the sweep will retry)'));
}
