/** Errors of the guild client. */
import { UnavailableError } from '@chat/errors';

/** Thrown when the guild ring has no node (no guild node configured or all left). */
export class NoGuildNodeError extends UnavailableError {
  constructor(readonly guildId: string, options: { cause?: unknown } = {}) {
    super(`no guild node owns guild ${guildId}: the guild ring is empty`, { ...options, details: { guildId } });
  }
}
