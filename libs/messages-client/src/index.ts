export { MessagesRouter, type MessagesRouterOptions, type MessageServiceClient } from './messages-router';
export { NoDataServiceInstanceError } from './errors';
