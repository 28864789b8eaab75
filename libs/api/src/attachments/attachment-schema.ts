/** The `attachments` field of a message body (Discord's partial attachment objects). */
import { z } from 'zod';

/** Most attachments a message may carry (Discord's). */
export const MAX_ATTACHMENTS = 10;

/** One entry of a request's `attachments` array (discord.js sends null for what it leaves unset). */
export const attachmentInput = z
  .object({
    id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().min(0)]),
    filename: z.string().min(1).max(1024).nullish(),
    description: z.string().max(1024).nullish(),
    title: z.string().max(1024).nullish(),
    duration_secs: z.number().min(0).nullish(),
    waveform: z.string().max(400).nullish(),
    flags: z.number().int().min(0).nullish(),
  })
  .strict();

/** The `attachments` field of a create or an edit. */
export const attachmentsField = z.array(attachmentInput).max(MAX_ATTACHMENTS);

