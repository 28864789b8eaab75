/**
 * The storage types the data service uses: the messages port of @chat/store
 * (libs/store/src/messages/message-store.port.ts). One file so the service
 * has a single place that names the port.
 */
export type { MessageStore, StoredMessage, NewMessage, HistoryQuery, MessagePatch, StoreCallOptions, MessageOrigin } from '@chat/store';
