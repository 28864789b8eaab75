/**
 * The `poll` of a new message (Discord's poll create request): a question
 * of up to 300 characters, 1 to 10 answers of up to 55, an optional emoji
 * each, a duration of 1 to 768 hours (default 24), multiselect, layout 1.
 * Answers get ids 1..n in order.
 */
import type { StoredPoll } from '@chat/discord';
import { EmojiRecords, type RecordStore } from '@chat/store';
import { z } from 'zod';
import { invalidFormBody, treeFor } from '../errors';
import { unicodeEmoji } from '../reactions/reaction-emoji';

const emoji = z.object({ id: z.string().regex(/^\d{1,20}$/).nullish(), name: z.string().max(64).nullish(), animated: z.boolean().optional() }).strict();

/** Discord's poll create request. */
export const pollRequest = z
  .object({
    question: z.object({ text: z.string().min(1).max(300) }).strict(),
    answers: z.array(z.object({ answer_id: z.number().int().optional(), poll_media: z.object({ text: z.string().min(1).max(55), emoji: emoji.nullish() }).strict() }).strict()).min(1).max(10),
    duration: z.number().int().min(1).max(768).optional(),
    allow_multiselect: z.boolean().optional(),
    layout_type: z.literal(1).optional(),
  })
  .strict();

type EmojiInput = z.output<typeof emoji>;

/** Discord's partial emoji: `id` null for a unicode one. */
function emojiOf(input: EmojiInput): { id: string | null; name: string | null; animated?: boolean } {
  return { id: input.id ?? null, name: input.name ?? null, ...(input.animated !== undefined ? { animated: input.animated } : {}) };
}

/**
 * Checks the answers' emojis: a unicode one must be an emoji, a custom one
 * must exist. 50035 on the answer's emoji otherwise (Discord's 520004 is
 * for an emoji the poster may not use, which these checks also cover).
 */
export async function checkPollEmojis(records: RecordStore, request: z.output<typeof pollRequest>): Promise<void> {
  const emojis = new EmojiRecords(records);
  for (const [i, answer] of request.answers.entries()) {
    const e = answer.poll_media.emoji;
    if (!e || (e.id == null && e.name == null)) continue;
    const known = e.id != null ? (await emojis.find(e.id)) !== undefined : unicodeEmoji(e.name ?? '') !== undefined;
    if (!known) throw invalidFormBody(treeFor(['poll', 'answers', i, 'poll_media', 'emoji'], { code: 'POLL_EMOJI_INVALID', message: 'Unknown emoji' }));
  }
}

/** The poll a message stores, expiring `duration` hours after `nowMs`. */
export function storedPollOf(request: z.output<typeof pollRequest>, nowMs: number): StoredPoll {
  return {
    question: { text: request.question.text },
    answers: request.answers.map((answer, i) => ({
      answer_id: i + 1,
      poll_media: { text: answer.poll_media.text, ...(answer.poll_media.emoji ? { emoji: emojiOf(answer.poll_media.emoji) } : {}) },
    })),
    expiry: new Date(nowMs + (request.duration ?? 24) * 60 * 60 * 1000).toISOString(),
    allow_multiselect: request.allow_multiselect ?? false,
    layout_type: request.layout_type ?? 1,
  };
}
