export { readStatesModule, readStatesGroup } from './read-states.module';
export { readStatesConfigSchema } from './read-states.config';
export { ReadStateCache, type ReadStateCacheOptions } from './read-state-cache';
export { ReadStatesService, toProtoReadState, type AckInput, type ReadStatesServiceDeps } from './read-states-service';
export { mentionAudience, type MessageMentions } from './mention-audience';
export { mentionConsumer } from './mention-consumer';
export { readStatesHandlers } from './read-states.grpc';
export { InvalidReadStateFieldError } from './errors';
