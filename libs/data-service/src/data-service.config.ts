import { boolSetting, intSetting, stringSetting } from '@chat/config';

/** Configuration keys of the data-service module (documented in docs/data-service.md). */
export const dataServiceConfigSchema = {
  nodeId: stringSetting('CHAT_DATA_NODE_ID', {
    default: 'data-0',
    description: "this instance's id; names its event outbox, which a replacement with the same id replays (give each instance its own, stable id)",
    pattern: /^[A-Za-z0-9._-]+$/,
  }),
  outboxRecoveryMs: intSetting('CHAT_DATA_OUTBOX_RECOVERY_MS', { default: 5000, min: 100, max: 600_000, unit: 'ms', description: 'time between passes that publish outbox entries left by a crash or a failed publish' }),
  maxConcurrentQueries: intSetting('CHAT_DATA_MAX_CONCURRENT_QUERIES', { default: 64, min: 1, max: 100_000, unit: 'count', description: 'store queries in flight at once per instance' }),
  maxQueued: intSetting('CHAT_DATA_MAX_QUEUED', { default: 1024, min: 0, max: 1_000_000, unit: 'count', description: 'callers that may wait for a store slot; beyond it RESOURCE_EXHAUSTED at once' }),
  maxQueueWaitMs: intSetting('CHAT_DATA_MAX_QUEUE_WAIT_MS', { default: 5000, min: 1, unit: 'ms', description: 'longest wait for a store slot when the call has no deadline' }),
  deadlineMarginMs: intSetting('CHAT_DATA_DEADLINE_MARGIN_MS', { default: 20, min: 0, unit: 'ms', description: 'a queued caller gives up this long before its deadline (RESOURCE_EXHAUSTED instead of DEADLINE_EXCEEDED)' }),
  coalesce: boolSetting('CHAT_DATA_COALESCE', { default: true, description: 'share one store query among identical concurrent reads' }),
  channelCacheTtlMs: intSetting('CHAT_DATA_CHANNEL_CACHE_TTL_MS', { default: 60_000, min: 0, unit: 'ms', description: 'how long a channel seen to exist is remembered' }),
};
