/**
 * Discord's poll object. A message stores its poll's definition (question,
 * answers with their ids, expiry, multiselect, layout); the results are
 * counted from the votes when the message is read.
 */

/** Text (and an optional emoji) of a question or an answer. */
export interface PollMedia {
  text: string;
  emoji?: { id: string | null; name: string | null; animated?: boolean };
}

/** A poll as a message stores it. */
export interface StoredPoll {
  question: PollMedia;
  answers: { answer_id: number; poll_media: PollMedia }[];
  /** ISO 8601. */
  expiry: string;
  allow_multiselect: boolean;
  layout_type: number;
}

/** One answer's votes as a reader sees them. */
export interface PollAnswerCount {
  id: number;
  count: number;
  me_voted: boolean;
}

/** Discord's poll object, with results. */
export interface DiscordPoll extends StoredPoll {
  results: { is_finalized: boolean; answer_counts: PollAnswerCount[] };
}

/** A stored poll's JSON, or undefined for none or unreadable. */
export function parseStoredPoll(json: string | null | undefined): StoredPoll | undefined {
  if (!json) return undefined;
  try {
    const poll = JSON.parse(json) as StoredPoll;
    return poll && typeof poll === 'object' && Array.isArray(poll.answers) ? poll : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a poll has ended at `nowMs`. */
export const pollEnded = (poll: StoredPoll, nowMs: number) => Date.parse(poll.expiry) <= nowMs;

/** The poll with its results (answers without votes are left out of answer_counts, as Discord does). */
export function toDiscordPoll(poll: StoredPoll, counts: readonly PollAnswerCount[], nowMs: number): DiscordPoll {
  return { ...poll, results: { is_finalized: pollEnded(poll, nowMs), answer_counts: counts.filter((c) => c.count > 0) } };
}
