/** Settings of the read-states module. */
import { intSetting, stringSetting } from '@chat/config';

/** The read-states module's configuration schema. */
export const readStatesConfigSchema = {
  nodeId: stringSetting('CHAT_READ_STATES_NODE_ID', { default: 'read-states-0', description: "this instance's id on the read-states ring (users are sharded by user id)", pattern: /^[A-Za-z0-9._-]+$/ }),
  nodes: stringSetting('CHAT_READ_STATES_NODES', {
    default: '',
    description: 'read-states ring as id=host:port,... (the same list gateways get as CHAT_GATEWAY_READ_STATES_NODES); empty: this instance owns every user',
  }),
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
