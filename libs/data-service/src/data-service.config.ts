import { boolSetting, intSetting } from '@chat/config';

/** Configuration keys of the data-service module (documented in docs/data-service.md). */
export const dataServiceConfigSchema = {
  maxConcurrentQueries: intSetting('CHAT_DATA_MAX_CONCURRENT_QUERIES', { default: 64, min: 1, max: 100_000, unit: 'count', description: 'store queries in flight at once per instance' }),
  maxQueued: intSetting('CHAT_DATA_MAX_QUEUED', { default: 1024, min: 0, max: 1_000_000, unit: 'count', description: 'callers that may wait for a store slot; beyond it RESOURCE_EXHAUSTED at once' }),
  maxQueueWaitMs: intSetting('CHAT_DATA_MAX_QUEUE_WAIT_MS', { default: 5000, min: 1, unit: 'ms', description: 'longest wait for a store slot when the call has no deadline' }),
  deadlineMarginMs: intSetting('CHAT_DATA_DEADLINE_MARGIN_MS', { default: 20, min: 0, unit: 'ms', description: 'a queued caller gives up this long before its deadline (RESOURCE_EXHAUSTED instead of DEADLINE_EXCEEDED)' }),
  coalesce: boolSetting('CHAT_DATA_COALESCE', { default: true, description: 'share one store query among identical concurrent reads' }),
  channelCacheTtlMs: intSetting('CHAT_DATA_CHANNEL_CACHE_TTL_MS', { default: 60_000, min: 0, unit: 'ms', description: 'how long a channel seen to exist is remembered' }),
};
