export { MessagesRouter, type MessagesRouterOptions, type MessageServiceClient } from './messages-router';
export { parseInstanceList } from './instance-list';
export { NoDataServiceInstanceError, InvalidInstanceListError } from './errors';
