export type { ObjectStore, StoredObject, ObjectEntry, ObjectHead, ByteRange, PutOptions } from './object-store.port';
export { checkObjectKey, InvalidObjectKeyError, RangeNotSatisfiableError } from './object-keys';
export { ObjectStoreUnavailableError } from './object-store-errors';
export { openDiskObjectStore } from './disk-object-store';
export { openS3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store';
export { objectStoreConfigSchema, openObjectStore, type ObjectStoreConfig } from './object-store-config';
export { objectStoreModule, OBJECT_STORE_MODULE } from './object-store.module';
