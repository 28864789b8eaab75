export { MessagesRouter, type MessagesRouterOptions, type MessageServiceClient } from './messages-router';
export { NoDataServiceInstanceError } from './errors';
export { dataRingConfigSchema, dataRingMembership, defaultDataRingConfig, type DataRingConfig } from './data-ring';
