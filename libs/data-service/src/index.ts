export { dataServiceModule, buildDataService, channelExistsFrom, type DataServiceConfig, type BuiltDataService } from './data-service.module';
export { dataServiceConfigSchema } from './data-service.config';
export { STORE, memoryStoreModule, type DataServiceStore, type ChannelLookup } from './store.module';
export { MemoryMessageStore, type MemoryMessageStoreOptions } from './memory-message-store';
export { MessageService, type MessageServiceDeps, type MessageServiceSettings, type CreateResult } from './message-service';
export { DataServiceMetrics } from './data-service.metrics';
export { characterCount, MAX_CONTENT_CHARACTERS } from './message-validation';
export { InvalidFieldError, ContentTooLongError, EmptyMessageError, UnknownChannelError, UnknownMessageError, StoreQueryCancelledError } from './errors';
/** Re-exported so apps (which may import feature libs only) can list the bus module the data service depends on. */
export { busModule } from '@chat/bus';
