/** Settings of the read-states module. */
import { intSetting } from '@chat/config';

/** The read-states module's configuration schema. */
export const readStatesConfigSchema = {
  cacheEntries: intSetting('CHAT_READ_STATES_CACHE_ENTRIES', { default: 100_000, min: 1, max: 50_000_000, unit: 'count', description: 'read states kept in memory (LRU); a dirty entry is written before it is evicted' }),
  flushDelayMs: intSetting('CHAT_READ_STATES_FLUSH_MS', {
    default: 1000,
    min: 0,
    max: 600_000,
    unit: 'ms',
    description: 'how long a changed read state may stay unwritten: the most a crash can lose (a graceful stop writes everything)',
  }),
  flushBatch: intSetting('CHAT_READ_STATES_FLUSH_BATCH', { default: 500, min: 1, max: 100_000, unit: 'count', description: 'read states per store write' }),
  mentionPageSize: intSetting('CHAT_READ_STATES_MEMBER_PAGE', { default: 1000, min: 1, max: 1000, unit: 'count', description: 'members read per page when @everyone or a role mention is counted' }),
};
